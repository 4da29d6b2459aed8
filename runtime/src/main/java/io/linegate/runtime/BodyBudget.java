package io.linegate.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A budget of request-body bytes held in memory by the whole server, taken before a body is
 * buffered: a request that declares its length reserves it as its headers arrive (at most the body
 * limit), one without a length (chunked, HTTP/2) reserves as its data arrives. When the budget is
 * spent, a new request is answered {@link WebhookAnswer#BUSY} at once, before its body is read, so
 * that bodies sent slowly on many connections (nothing about which needs a valid signature) cannot
 * exhaust the heap. What a request reserved is given back when its exchange ends (answered, timed
 * out or reset). Hosts hold a {@link Reservation} per request.
 *
 * <p>Bodies declared at most {@value #SMALL_BODY} bytes (LINE's webhooks are a few KiB) may use the
 * whole budget; larger or undeclared ones may not take the last eighth, so that an attack with large
 * bodies leaves room for the platform's own webhooks.
 */
public final class BodyBudget {
    /** The largest body that may use the whole budget. */
    public static final long SMALL_BODY = 64 * 1024;

    private final long capacity;
    private final long reserveForSmall;
    private final long maxBody;
    private final AtomicLong used = new AtomicLong();
    private final Counter rejected;

    /** {@code capacity} bytes in memory at once, bodies of at most {@code maxBody} bytes. */
    public BodyBudget(long capacity, long maxBody, MeterRegistry registry) {
        if (capacity < maxBody) {
            throw new IllegalArgumentException("the budget of request bodies in memory (" + capacity
                    + " bytes) must be at least the body limit (" + maxBody + " bytes)");
        }
        this.capacity = capacity;
        this.reserveForSmall = capacity / 8;
        this.maxBody = maxBody;
        Gauge.builder("linegate.request.bodies.in.flight", used, AtomicLong::get).strongReference(true).baseUnit("bytes")
                .description("request-body bytes held in memory, reserved before they are read").register(registry);
        Gauge.builder("linegate.request.bodies.budget", () -> capacity).baseUnit("bytes")
                .description("how many request-body bytes may be held in memory at once").register(registry);
        this.rejected = Counter.builder("linegate.requests.overloaded")
                .description("requests answered 503 because the budget of request bodies in memory was spent")
                .register(registry);
    }

    public long capacity() {
        return capacity;
    }

    public long maxBody() {
        return maxBody;
    }

    public long inUse() {
        return used.get();
    }

    /**
     * Opens a request's reservation: {@code declared} bytes reserved now if the request says its
     * length ({@code -1} if not: reserved as data arrives); null if the budget cannot cover it, and
     * the refusal is counted.
     */
    public Reservation open(long declared) {
        Reservation r = new Reservation();
        if (declared >= 0) {
            long bytes = Math.min(declared, maxBody);
            if (!tryReserve(bytes, bytes <= SMALL_BODY)) {
                rejected.increment();
                return null;
            }
            r.held = bytes;
        }
        return r;
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

    /** What one request holds; closed once, when its exchange ends. */
    public final class Reservation {
        private long held;
        private long arrived;
        private boolean closed;

        private Reservation() {}

        /** Accounts for {@code bytes} more of the body; false (and counted) if the budget cannot cover them. */
        public synchronized boolean arrived(long bytes) {
            arrived += bytes;
            long extra = arrived - held;
            if (extra <= 0) {
                return true;
            }
            if (closed || !tryReserve(extra, false)) {
                rejected.increment();
                return false;
            }
            held += extra;
            return true;
        }

        /** Gives back what the request held; idempotent. */
        public synchronized void close() {
            if (!closed) {
                closed = true;
                release(held);
                held = 0;
            }
        }
    }
}
