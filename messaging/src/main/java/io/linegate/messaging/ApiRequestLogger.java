package io.linegate.messaging;

import com.linecorp.bot.client.base.exception.AbstractLineClientException;
import com.linecorp.bot.client.base.http.HttpChain;
import com.linecorp.bot.client.base.http.HttpInterceptor;
import com.linecorp.bot.client.base.http.HttpRequest;
import com.linecorp.bot.client.base.http.HttpResponse;
import io.linegate.store.ApiRequestLog;
import io.linegate.store.ApiRequestLog.ApiCall;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every attempt of every request the SDK client makes (the guidelines: save logs of API
 * requests and responses): time, method, endpoint, status, latency, {@code x-line-request-id},
 * {@code x-line-accepted-request-id}, retry key, the attempt number the sending pipeline gave the
 * send, and the error body. It never records
 * headers, so the bearer token cannot reach the log, nor query strings, which can carry credentials.
 * Request bodies are off by default; when on, they can be stored with user ids and texts redacted.
 */
final class ApiRequestLogger implements HttpInterceptor {
    private static final Logger log = LoggerFactory.getLogger(ApiRequestLogger.class);
    private static final int MAX_ERROR_BODY = 8 * 1024;
    private static final Pattern USER_ID = Pattern.compile("\\b([UCR])[0-9a-f]{32}\\b");
    private static final Pattern TEXT_VALUE = Pattern.compile("(\"(?:text|altText)\"\\s*:\\s*\")((?:[^\"\\\\]|\\\\.)*)\"");

    /** What to keep of request bodies. */
    public enum Bodies { OFF, REDACTED, FULL }

    private final ApiRequestLog sink;
    private final Bodies bodies;
    private final Clock clock;
    /** The attempt number of the send a request belongs to, as the sending pipeline numbered it (1 for no send). */
    private final ToIntFunction<HttpRequest> attemptOf;

    ApiRequestLogger(ApiRequestLog sink, Bodies bodies, Clock clock, ToIntFunction<HttpRequest> attemptOf) {
        this.sink = sink;
        this.bodies = bodies;
        this.clock = clock;
        this.attemptOf = attemptOf;
    }

    @Override
    public HttpResponse intercept(HttpChain chain) throws IOException {
        HttpRequest request = chain.request();
        String retryKey = header(request.headers(), "x-line-retry-key");
        int attempt = attemptOf.applyAsInt(request);
        String body = bodies == Bodies.OFF || request.body() == null || request.body().isOneShot()
                ? null : redact(new String(request.body().readByteArray(), StandardCharsets.UTF_8));
        Instant at = clock.instant();
        long start = System.nanoTime();
        try {
            HttpResponse response = chain.proceed(request);
            int status = response.code();
            String error = status >= 400 ? response.toOkHttpResponse().peekBody(MAX_ERROR_BODY).string() : null;
            save(new ApiCall(at, request.method(), request.url().getPath(), status, elapsedMs(start),
                    header(response.headers(), "x-line-request-id"),
                    header(response.headers(), "x-line-accepted-request-id"), retryKey, attempt, error, body));
            return response;
        } catch (AbstractLineClientException e) {
            // The SDK turns error responses into exceptions inside the chain: still a response.
            save(new ApiCall(at, request.method(), request.url().getPath(), e.getCode(), elapsedMs(start),
                    e.getRequestId(), e.getHeader("x-line-accepted-request-id"), retryKey, attempt, e.getMessage(), body));
            throw e;
        } catch (IOException e) {
            save(new ApiCall(at, request.method(), request.url().getPath(), 0, elapsedMs(start), null, null, retryKey,
                    attempt, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), body));
            throw e;
        }
    }

    private void save(ApiCall call) {
        // Asynchronous: the log must not slow sending, but a failure to log is reported, not hidden.
        sink.record(call).exceptionally(e -> {
            log.error("could not write the API request log entry for {} {}", call.method(), call.endpoint(), e);
            return null;
        });
    }

    String redact(String body) {
        if (bodies != Bodies.REDACTED) {
            return body;
        }
        String out = USER_ID.matcher(body).replaceAll("$1[redacted]");
        return TEXT_VALUE.matcher(out).replaceAll("$1[redacted]\"");
    }

    private static String header(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    private static long elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
