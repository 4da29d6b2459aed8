package io.linegate.webhook;

import io.linegate.core.Retryable;

/**
 * Handling this event again cannot succeed: the dispatcher dead-letters it at once, with this
 * message as the reason, and the conversation moves on to its next event. The runtime throws it when
 * a handler asks for something the event or the set-up can never give (a reply without a reply
 * token, sending without sending configured); a handler may throw it too, for an event it knows it
 * will never be able to handle. Fix the cause, then replay the dead letter.
 */
public class NotRetryableException extends RuntimeException implements Retryable {
    public NotRetryableException(String message) {
        super(message);
    }

    public NotRetryableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public final boolean retryCanSucceed() {
        return false;
    }
}
