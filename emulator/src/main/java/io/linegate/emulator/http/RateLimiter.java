package io.linegate.emulator.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The platform's rate limits (Messaging API reference, "Rate limits"): a token bucket per channel, endpoint and HTTP method,
 * refilled continuously rather than reset per interval. {@code scale} multiplies every limit; a
 * disabled limiter lets everything through (load tests).
 */
public final class RateLimiter {
    /** The rows of the §2.6 table. */
    public enum Limit {
        PER_HOUR_60(60, Duration.ofHours(1)),            // narrowcast, broadcast, insight, webhook test
        AUDIENCE(60, Duration.ofMinutes(1)),
        WEBHOOK_ENDPOINT(1000, Duration.ofMinutes(1)),
        RICH_MENU_CHANGE(100, Duration.ofHours(1)),      // create/delete rich menu, delete alias, batch status
        RICH_MENU_BATCH(3, Duration.ofHours(1)),
        RICH_MENU_LIST(10, Duration.ofSeconds(1)),
        PER_SECOND_200(200, Duration.ofSeconds(1)),      // multicast, membership, coupons
        LOADING(100, Duration.ofSeconds(1)),
        SHORT_LIVED_TOKEN(370, Duration.ofSeconds(1)),
        DEFAULT(2000, Duration.ofSeconds(1)),
        NONE(0, Duration.ZERO);                           // control API, unlimited token endpoints

        final int requests;
        final Duration period;

        Limit(int requests, Duration period) {
            this.requests = requests;
            this.period = period;
        }
    }

    private static final class Bucket {
        final double capacity;
        final double perNano;
        double tokens;
        long last;

        Bucket(double capacity, double perNano, long now) {
            this.capacity = capacity;
            this.perNano = perNano;
            this.tokens = capacity;
            this.last = now;
        }

        synchronized boolean take(long now) {
            if (now > last) {
                tokens = Math.min(capacity, tokens + (now - last) * perNano);
                last = now;
            }
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }

    private final Clock clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private volatile boolean enabled;
    private volatile double scale;

    public RateLimiter(Clock clock, boolean enabled, double scale) {
        this.clock = clock;
        this.enabled = enabled;
        this.scale = scale;
    }

    /** True if a request of {@code subject} (a channel id) to {@code endpoint} may proceed now. */
    public boolean tryAcquire(String subject, String endpoint, Limit limit) {
        if (!enabled || limit == Limit.NONE || scale <= 0) {
            return true;
        }
        Instant now = clock.instant();
        long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        Bucket b = buckets.computeIfAbsent(subject + ' ' + endpoint, k -> {
            double cap = Math.max(1, limit.requests * scale);
            return new Bucket(cap, cap / limit.period.toNanos(), nanos);
        });
        return b.take(nanos);
    }

    public void configure(boolean enabled, double scale) {
        this.enabled = enabled;
        this.scale = scale;
        buckets.clear();
    }

    public void reset() {
        buckets.clear();
    }
}
