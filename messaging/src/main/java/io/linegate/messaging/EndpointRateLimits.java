package io.linegate.messaging;

import com.linecorp.bot.client.base.exception.AbstractLineClientException;
import com.linecorp.bot.client.base.http.HttpChain;
import com.linecorp.bot.client.base.http.HttpInterceptor;
import com.linecorp.bot.client.base.http.HttpResponse;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.io.IOException;
import java.io.InterruptedIOException;
import io.linegate.store.RateBucketStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;

/**
 * LINE's rate limits (Messaging API reference, "Rate limits") on the client side: a token bucket per endpoint (method and
 * path template), so that a bot sending at full speed waits for its turn instead of collecting 429s.
 * Buckets refill continuously, as LINE's do, and start with a tenth of their limit so that a burst at
 * start-up cannot run ahead of a platform bucket that is already partly used. A 429 empties the
 * endpoint's bucket, so every sender backs off, not only the one that got it.
 *
 * <p>Kept apart from the emulator's table on purpose: the two are checked against each other.
 */
final class EndpointRateLimits implements HttpInterceptor {

    /** One row of the §2.6 table. */
    record Limit(String name, int requests, Duration period) {}

    static final Limit PER_HOUR_60 = new Limit("60/hour", 60, Duration.ofHours(1));
    static final Limit AUDIENCE = new Limit("60/minute", 60, Duration.ofMinutes(1));
    static final Limit WEBHOOK_ENDPOINT = new Limit("1000/minute", 1000, Duration.ofMinutes(1));
    static final Limit RICH_MENU_CHANGE = new Limit("100/hour", 100, Duration.ofHours(1));
    static final Limit RICH_MENU_BATCH = new Limit("3/hour", 3, Duration.ofHours(1));
    static final Limit RICH_MENU_LIST = new Limit("10/second", 10, Duration.ofSeconds(1));
    static final Limit PER_SECOND_200 = new Limit("200/second", 200, Duration.ofSeconds(1));
    static final Limit LOADING = new Limit("100/second", 100, Duration.ofSeconds(1));
    static final Limit SHORT_LIVED_TOKEN = new Limit("370/second", 370, Duration.ofSeconds(1));
    static final Limit DEFAULT = new Limit("2000/second", 2000, Duration.ofSeconds(1));

    private record Rule(String method, Pattern path, Limit limit) {}

    private static final List<Rule> RULES = List.of(
            rule("POST", "/v2/bot/message/narrowcast", PER_HOUR_60),
            rule("POST", "/v2/bot/message/broadcast", PER_HOUR_60),
            rule("GET", "/v2/bot/insight/.*", PER_HOUR_60),
            rule("POST", "/v2/bot/channel/webhook/test", PER_HOUR_60),
            rule("*", "/v2/bot/audienceGroup(/.*)?", AUDIENCE),
            rule("*", "/v2/bot/channel/webhook/endpoint", WEBHOOK_ENDPOINT),
            rule("POST", "/v2/bot/richmenu/batch", RICH_MENU_BATCH),
            rule("GET", "/v2/bot/richmenu/progress/batch", RICH_MENU_CHANGE),
            rule("GET", "/v2/bot/richmenu/list", RICH_MENU_LIST),
            rule("POST", "/v2/bot/richmenu", RICH_MENU_CHANGE),
            rule("DELETE", "/v2/bot/richmenu/alias/[^/]+", RICH_MENU_CHANGE),
            rule("DELETE", "/v2/bot/richmenu/[^/]+", RICH_MENU_CHANGE),
            rule("POST", "/v2/bot/message/multicast", PER_SECOND_200),
            rule("GET", "/v2/bot/membership/.*", PER_SECOND_200),
            rule("*", "/v2/bot/coupon(/.*)?", PER_SECOND_200),
            rule("POST", "/v2/bot/chat/loading/start", LOADING),
            rule("POST", "/v2/oauth/accessToken", SHORT_LIVED_TOKEN));

    private static final Pattern ID_SEGMENT = Pattern.compile("/(?:[UCR][0-9a-f]{32}|\\d+|richmenu-[0-9a-f]+)(?=/|$)");

    /** A bucket, local to this process or shared through the store. */
    private interface Gate {
        void acquire() throws InterruptedException;

        void backOff();
    }

    private final double scale;
    private final RateBucketStore shared; // null: buckets are this process's own
    private final String channel;
    private final DoubleSupplier share; // null: not a node of a cluster
    private final Map<String, Metered> buckets = new ConcurrentHashMap<>();
    private final LineFigures figures = new LineFigures();

    /** An endpoint's bucket and its figures, made together the first time the endpoint is used. */
    private record Metered(Gate gate, LineFigures.Endpoint figures) {}

    /**
     * {@code scale} multiplies every limit (1 in production; lower to match a scaled emulator). With a
     * {@code shared} store, the processes sending for {@code channel} share one bucket per endpoint.
     */
    EndpointRateLimits(double scale, RateBucketStore shared, String channel, DoubleSupplier share) {
        if (!(scale > 0)) {
            throw new IllegalArgumentException("rate limit scale must be positive, was " + scale);
        }
        this.scale = scale;
        this.shared = shared;
        this.channel = channel;
        this.share = share;
    }

    private static Rule rule(String method, String path, Limit limit) {
        return new Rule(method, Pattern.compile(path), limit);
    }

    /** The §2.6 row for a request. */
    static Limit limitOf(String method, String path) {
        for (Rule r : RULES) {
            if ((r.method().equals("*") || r.method().equals(method)) && r.path().matcher(path).matches()) {
                return r.limit();
            }
        }
        return DEFAULT;
    }

    /** The endpoint a request counts against: its method and its path with ids taken out. */
    static String endpointOf(String method, String path) {
        return method + " " + ID_SEGMENT.matcher(path).replaceAll("/{id}");
    }

    @Override
    public HttpResponse intercept(HttpChain chain) throws IOException {
        String method = chain.request().method();
        String path = chain.request().url().getPath();
        Metered endpoint = buckets.computeIfAbsent(endpointOf(method, path), k -> metered(k, limitOf(method, path)));
        Gate bucket = endpoint.gate();
        try {
            bucket.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the rate limit");
        }
        try {
            HttpResponse response = chain.proceed(chain.request());
            endpoint.figures().answered(response.code());
            if (response.code() == 429) {
                bucket.backOff();
            }
            return response;
        } catch (AbstractLineClientException e) {
            endpoint.figures().answered(e.getCode());
            if (e.getCode() == 429) {
                bucket.backOff();
            }
            throw e;
        } catch (IOException | RuntimeException e) {
            endpoint.figures().answered(0); // no answer: a timeout, a reset
            throw e;
        }
    }

    /** Each endpoint's limit and answers so far. */
    LineFigures figures() {
        return figures;
    }

    private Metered metered(String endpoint, Limit limit) {
        double perSecond = Math.max(1, Math.round(limit.requests() * scale)) * 1e9 / limit.period().toNanos();
        return new Metered(newGate(endpoint, limit), figures.add(endpoint, limit.name(), perSecond));
    }

    private Gate newGate(String endpoint, Limit limit) {
        long requests = Math.max(1, Math.round(limit.requests() * scale));
        long capacity = Math.max(1, requests / 10);
        double perSecond = requests * 1e9 / limit.period().toNanos();
        if (share != null) {
            return new SliceGate(capacity, perSecond, share,
                    shared == null ? null : new SharedGate(shared, channel + " " + endpoint, capacity, perSecond));
        }
        if (shared != null) {
            return new SharedGate(shared, channel + " " + endpoint, capacity, perSecond);
        }
        Bucket bucket = Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(requests, limit.period()).build())
                .build();
        return new Gate() {
            @Override
            public void acquire() throws InterruptedException {
                bucket.asBlocking().consume(1);
            }

            /** Empties the bucket: whoever sends next on this endpoint waits for a refill. */
            @Override
            public void backOff() {
                bucket.consumeIgnoringRateLimits(Math.max(1, bucket.getAvailableTokens() + 1));
            }
        };
    }

    /**
     * A bucket in the store, shared by every process sending for the channel. Tokens are taken in
     * small chunks (a twentieth of a second's worth), so the store sees a write per chunk, not per
     * request; a chunk a process does not use before it stops is lost, which errs on the safe side.
     */
    private static final class SharedGate implements Gate {
        private final RateBucketStore store;
        private final String key;
        private final double capacity;
        private final double perSecond;
        private final int chunk;
        private int allowance;

        SharedGate(RateBucketStore store, String key, double capacity, double perSecond) {
            this.store = store;
            this.key = key;
            this.capacity = capacity;
            this.perSecond = perSecond;
            this.chunk = (int) Math.max(1, Math.min(capacity, perSecond / 20));
        }

        @Override
        public synchronized void acquire() throws InterruptedException {
            while (allowance == 0) {
                allowance = store.take(key, capacity, perSecond, chunk, Instant.now());
                if (allowance == 0) {
                    Thread.sleep(Math.max(1, (long) Math.ceil(1000.0 / perSecond)));
                }
            }
            allowance--;
        }

        @Override
        public synchronized void backOff() {
            allowance = 0;
            store.take(key, capacity, perSecond, Integer.MAX_VALUE, Instant.now());
        }
    }

    /**
     * A node's slice of a limit the nodes of a cluster share: a bucket of this process's own whose rate
     * and size are the limit's times this node's share, read at every take, so that it follows the
     * cluster as nodes join (a joining node's share is 0 until the others have shrunk theirs) and leave
     * (a stalled node's share goes with its membership). The store is not touched per send, and a lock
     * held in the database cannot stop sending.
     */
    private static final class SliceGate implements Gate {
        private static final long IDLE_WAIT_NANOS = 50_000_000L;

        private final double capacity;
        private final double perSecond;
        private final DoubleSupplier share;
        private final Gate notANode; // a process that is not a node (no share: NaN) shares the store's bucket
        private double tokens = -1; // full at the first take
        private long last;

        SliceGate(double capacity, double perSecond, DoubleSupplier share, Gate notANode) {
            this.capacity = capacity;
            this.perSecond = perSecond;
            this.share = share;
            this.notANode = notANode;
        }

        @Override
        public void acquire() throws InterruptedException {
            if (Double.isNaN(share.getAsDouble()) && notANode != null) {
                notANode.acquire();
                return;
            }
            takeSlice();
        }

        private synchronized void takeSlice() throws InterruptedException {
            while (true) {
                double given = share.getAsDouble();
                double s = Double.isNaN(given) ? 1 : Math.max(0, Math.min(1, given));
                double rate = perSecond * s;
                double size = Math.max(1, capacity * s);
                long now = System.nanoTime();
                tokens = tokens < 0 && last == 0 ? size : Math.min(size, tokens + (now - last) * rate / 1e9);
                last = now;
                if (rate > 0 && tokens >= 1) {
                    tokens -= 1;
                    return;
                }
                long waitNanos = rate > 0 ? (long) Math.ceil((1 - tokens) / rate * 1e9) : IDLE_WAIT_NANOS;
                TimeUnit.NANOSECONDS.sleep(Math.max(100_000L, Math.min(waitNanos, IDLE_WAIT_NANOS)));
            }
        }

        /** Empties the slice: whoever sends next on this endpoint here waits for a refill. */
        @Override
        public void backOff() {
            if (Double.isNaN(share.getAsDouble()) && notANode != null) {
                notANode.backOff();
                return;
            }
            synchronized (this) {
                tokens = 0;
                last = System.nanoTime();
            }
        }
    }
}
