package io.linegate.webhook;

import java.util.Objects;

/**
 * Decides what becomes of an event whose handler threw: retried with backoff (up to the configured
 * attempts, then dead-lettered), or dead-lettered at once because a retry cannot succeed. The
 * {@link Dispatcher} asks, then reacts; the decision is kept here, apart from the reaction.
 *
 * <p>The {@linkplain #standard() standard policy}:
 * <ul>
 *   <li>dead-letters at once a failure that says a retry cannot succeed ({@link io.linegate.core.Retryable}):
 *       LINE's 4xx other than 408 and 429 (an invalid reply token, a 401 after the token was already
 *       renewed, 403, 404...), a request refused before sending for breaking LINE's limits, no
 *       sending configured, a reply to an event without a reply token, a {@link NotRetryableException};</li>
 *   <li>dead-letters at once a programming error: {@code NullPointerException},
 *       {@code ClassCastException}, {@code IndexOutOfBoundsException}, {@code ArithmeticException},
 *       {@code AssertionError} and {@code LinkageError} (a missing class): the same event through the
 *       same code fails the same way, so retries would only hold up the conversation; fix the bot,
 *       then replay the dead letter;</li>
 *   <li>retries everything else: LINE's 5xx and 429, timeouts and connection failures, and any
 *       exception it cannot tell (a handler's own {@code IllegalStateException("downstream is down")}
 *       may well succeed later), including {@code OutOfMemoryError} and {@code StackOverflowError}.</li>
 * </ul>
 * Wrapped failures are judged by their causes: the first cause that decides wins, so a
 * {@code RuntimeException} wrapping LINE's 400 is dead-lettered at once.
 */
@FunctionalInterface
public interface FailurePolicy {

    /** What to do with the failed event. */
    enum Action { RETRY, DEAD_LETTER }

    /** The decision and its reason, which the dead letter and the log line carry. */
    record Decision(Action action, String reason) {
        public Decision {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(reason, "reason");
        }

        public static Decision retry(String reason) {
            return new Decision(Action.RETRY, reason);
        }

        public static Decision deadLetter(String reason) {
            return new Decision(Action.DEAD_LETTER, reason);
        }

        public boolean retry() {
            return action == Action.RETRY;
        }
    }

    /** Decides for the throwable a handler threw. Must not throw. */
    Decision decide(Throwable failure);

    /** The policy described in the class comment. */
    static FailurePolicy standard() {
        return Failures::classify;
    }
}
