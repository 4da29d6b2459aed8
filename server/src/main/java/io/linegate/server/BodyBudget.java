package io.linegate.server;

import io.linegate.core.RateLimitedLog;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A budget of request-body bytes held in memory by the whole server, taken before a body is
 * buffered: a request that declares its length reserves it as its headers arrive (at most the body
 * limit), one without a length (chunked, HTTP/2) reserves as its data arrives. When the budget is
 * spent, a new request is answered {@code 503} at once, before its body is read, so that bodies sent
 * slowly on many connections (nothing about which needs a valid signature) cannot exhaust the heap.
 * What a request reserved is given back when its exchange ends (answered, timed out or reset).
 *
 * <p>Bodies declared at most {@value #SMALL_BODY} bytes (LINE's webhooks are a few KiB) may use the
 * whole budget; larger or undeclared ones may not take the last eighth, so that an attack with large
 * bodies leaves room for the platform's own webhooks.
 */
final class BodyBudget implements DecoratingHttpServiceFunction {
    static final long SMALL_BODY = 64 * 1024;

    /** A body went over what the budget could give it while arriving. */
    static final class Exhausted extends RuntimeException {
        Exhausted() {
            super("the server's budget of request bodies in memory is spent", null, false, false);
        }
    }

    private final long capacity;
    private final long reserveForSmall;
    private final long maxBody;
    private final AtomicLong used = new AtomicLong();
    private final Counter rejected;
    private final RateLimitedLog clientErrors;

    BodyBudget(long capacity, long maxBody, MeterRegistry registry, RateLimitedLog clientErrors) {
        if (capacity < maxBody) {
            throw new IllegalArgumentException("the budget of request bodies in memory (" + capacity
                    + " bytes) must be at least the body limit (" + maxBody + " bytes)");
        }
        this.capacity = capacity;
        this.reserveForSmall = capacity / 8;
        this.maxBody = maxBody;
        this.clientErrors = clientErrors;
        Gauge.builder("linegate.request.bodies.in.flight", used, AtomicLong::get).baseUnit("bytes")
                .description("request-body bytes held in memory, reserved before they are read").register(registry);
        Gauge.builder("linegate.request.bodies.budget", () -> capacity).baseUnit("bytes")
                .description("how many request-body bytes may be held in memory at once").register(registry);
        this.rejected = Counter.builder("linegate.requests.overloaded")
                .description("requests answered 503 because the budget of request bodies in memory was spent")
                .register(registry);
    }

    long inUse() {
        return used.get();
    }

    boolean tryReserve(long bytes, boolean small) {
        long limit = small ? capacity : capacity - reserveForSmall;
        while (true) {
            long now = used.get();
            if (now + bytes > limit) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        if (bytes > 0) {
            used.addAndGet(-bytes);
        }
    }

    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        if (req.isEmpty()) {
            return delegate.serve(ctx, req);
        }
        long declared = req.headers().contentLength();
        Reservation reservation = new Reservation();
        if (declared >= 0) {
            long bytes = Math.min(declared, maxBody);
            if (!tryReserve(bytes, bytes <= SMALL_BODY)) {
                return overloaded(ctx);
            }
            reservation.held = bytes;
        }
        ctx.log().whenComplete().whenComplete((log, e) -> reservation.close());
        HttpRequest counted = req.mapData(data -> {
            if (!reservation.arrived(data.length())) {
                data.close();
                rejected.increment();
                throw new Exhausted();
            }
            return data;
        });
        return delegate.serve(ctx, counted);
    }

    /** What one request holds; closed once, when its exchange ends. */
    private final class Reservation {
        private long held;
        private long arrived;
        private boolean closed;

        /** Accounts for {@code bytes} more of the body; false if the budget cannot cover them. */
        synchronized boolean arrived(long bytes) {
            arrived += bytes;
            long extra = arrived - held;
            if (extra <= 0) {
                return true;
            }
            if (closed || !tryReserve(extra, false)) {
                return false;
            }
            held += extra;
            return true;
        }

        synchronized void close() {
            if (!closed) {
                closed = true;
                release(held);
                held = 0;
            }
        }
    }

    private HttpResponse overloaded(ServiceRequestContext ctx) {
        rejected.increment();
        clientErrors.warn("{} {} {} from {}: {} bytes of request bodies are in memory, the budget is {}; answered 503",
                ctx.id().text(), ctx.method(), ctx.path(), ctx.clientAddress().getHostAddress(), used.get(), capacity);
        return JsonErrors.overloaded();
    }
}
