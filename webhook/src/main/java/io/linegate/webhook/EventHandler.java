package io.linegate.webhook;

/**
 * Handles one webhook event. Throwing means "try again later": the event is retried with backoff
 * and dead-lettered after the configured number of attempts.
 */
@FunctionalInterface
public interface EventHandler {
    void handle(EventContext ctx) throws Exception;
}
