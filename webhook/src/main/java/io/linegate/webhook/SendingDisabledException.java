package io.linegate.webhook;

/**
 * Thrown when a handler sends for an event in {@code standby} mode. Not retried: the event is
 * completed, because sending would never become allowed for it.
 */
public final class SendingDisabledException extends IllegalStateException {
    public SendingDisabledException(String message) {
        super(message);
    }
}
