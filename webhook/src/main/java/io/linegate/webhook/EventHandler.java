package io.linegate.webhook;

/**
 * Handles one webhook event. Throwing means "try again later": the event is retried with backoff
 * and dead-lettered after the configured number of attempts, unless a retry cannot succeed (LINE's
 * 4xx such as an invalid reply token, a request over LINE's limits, no sending configured, a
 * programming error such as a {@code NullPointerException}, or a {@link NotRetryableException}):
 * then it is dead-lettered at once and the conversation moves on. See {@link FailurePolicy}.
 */
@FunctionalInterface
public interface EventHandler {
    void handle(EventContext ctx) throws Exception;
}
