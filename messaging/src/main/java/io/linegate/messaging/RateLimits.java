package io.linegate.messaging;

import com.linecorp.bot.client.base.exception.AbstractLineClientException;
import com.linecorp.bot.client.base.http.HttpChain;
import com.linecorp.bot.client.base.http.HttpInterceptor;
import com.linecorp.bot.client.base.http.HttpResponse;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * LINE's rate limits (api-facts §2.6) on the client side: a token bucket per endpoint (method and
 * path template), so that a bot sending at full speed waits for its turn instead of collecting 429s.
 * Buckets refill continuously, as LINE's do, and start with a tenth of their limit so that a burst at
 * start-up cannot run ahead of a platform bucket that is already partly used. A 429 empties the
 * endpoint's bucket, so every sender backs off, not only the one that got it.
 *
 * <p>Kept apart from the emulator's table on purpose: the two are checked against each other.
 */
final class RateLimits implements HttpInterceptor {

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

    private final double scale;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** {@code scale} multiplies every limit (1 in production; lower to match a scaled emulator). */
    RateLimits(double scale) {
        if (!(scale > 0)) {
            throw new IllegalArgumentException("rate limit scale must be positive, was " + scale);
        }
        this.scale = scale;
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
        Bucket bucket = buckets.computeIfAbsent(endpointOf(method, path), k -> newBucket(limitOf(method, path)));
        try {
            bucket.asBlocking().consume(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the rate limit");
        }
        try {
            HttpResponse response = chain.proceed(chain.request());
            if (response.code() == 429) {
                backOff(bucket);
            }
            return response;
        } catch (AbstractLineClientException e) {
            if (e.getCode() == 429) {
                backOff(bucket);
            }
            throw e;
        }
    }

    private Bucket newBucket(Limit limit) {
        long requests = Math.max(1, Math.round(limit.requests() * scale));
        long capacity = Math.max(1, requests / 10);
        return Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(requests, limit.period()).build())
                .build();
    }

    /** Empties the bucket: whoever sends next on this endpoint waits for a refill. */
    private static void backOff(Bucket bucket) {
        long available = bucket.getAvailableTokens();
        bucket.consumeIgnoringRateLimits(Math.max(1, available + 1));
    }
}
