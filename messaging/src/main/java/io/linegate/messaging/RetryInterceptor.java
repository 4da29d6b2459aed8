package io.linegate.messaging;

import io.linegate.core.Backoff;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries and follow-ups, as OkHttp's {@code RetryAndFollowUpInterceptor} does for HTTP (Messaging
 * API docs, "Retrying a failed API request"):
 * <ul>
 *   <li>a send with a retry key is tried again with the same key and body on 5xx, 429, timeouts and
 *       connection failures, with {@link Backoff} between attempts, up to {@code maxAttempts};</li>
 *   <li>a 409 to a send with a retry key means an earlier attempt was accepted: a success carrying
 *       the accepted request's id and sent messages;</li>
 *   <li>a send without a retry key (a reply, a link token) is tried again only when the connection
 *       was never made, so the request cannot have reached LINE;</li>
 *   <li>a 401 is shown to the {@link Authenticator} once: if it can get a fresh token, the send is
 *       tried again at once.</li>
 * </ul>
 * Each attempt passes on a copy of the send with its attempt number, which the API request log
 * records as it is.
 */
final class RetryInterceptor implements SendInterceptor {
    private static final Logger log = LoggerFactory.getLogger(RetryInterceptor.class);

    /** Decides whether a send refused with 401 may be tried again with fresh credentials. */
    @FunctionalInterface
    interface Authenticator {
        /** Makes the next attempt use a fresh token; false when there is none to get. */
        boolean reauthenticate(Send send, LineApiException.Unauthorized refused);

        Authenticator NONE = (send, refused) -> false;
    }

    private final int maxAttempts;
    private final Backoff backoff;
    private final Authenticator authenticator;

    RetryInterceptor(int maxAttempts, Backoff backoff, Authenticator authenticator) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.authenticator = authenticator;
    }

    @Override
    public SendResult intercept(Chain chain) throws LineApiException, IOException {
        Send send = chain.send();
        boolean keyed = send.endpoint().keyed();
        boolean reauthenticated = false;
        for (int attempt = send.attempt(); ; attempt++) {
            Send current = send.withAttempt(attempt);
            try {
                return chain.proceed(current);
            } catch (LineApiException.Conflict e) {
                if (!keyed) {
                    throw e;
                }
                return new SendResult(e.requestId(), e.acceptedRequestId(), e.sentMessages(), send.retryKey(), attempt);
            } catch (LineApiException.Unauthorized e) {
                if (reauthenticated || !authenticator.reauthenticate(current, e)) {
                    throw e;
                }
                reauthenticated = true;
                log.warn("{} attempt {}: the channel access token was refused (401); trying again with a fresh one",
                        send.endpoint(), attempt);
                continue;
            } catch (LineApiException e) {
                boolean retryable = keyed && (e.status() >= 500 || e.status() == 429);
                if (!retryable || attempt >= maxAttempts) {
                    throw e;
                }
                log.warn("{} attempt {} answered {} (x-line-request-id {}); retrying with the same key",
                        send.endpoint(), attempt, e.status(), e.requestId());
            } catch (IOException e) {
                // A timeout or a broken connection: LINE may have accepted it; only a retry key makes a retry safe.
                boolean retryable = (keyed || e instanceof ConnectException) && !Thread.currentThread().isInterrupted();
                if (!retryable || attempt >= maxAttempts) {
                    throw e;
                }
                log.warn("{} attempt {} failed without a response ({}); retrying{}", send.endpoint(), attempt,
                        e.getClass().getSimpleName(), keyed ? " with the same key" : " (the connection was never made)");
            }
            sleep(backoff.delayMillis(attempt));
        }
    }

    private static void sleep(long ms) throws InterruptedIOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while backing off");
        }
    }
}
