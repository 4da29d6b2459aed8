package io.linegate.store;

/**
 * The store, or a journal outside it, cannot take writes for now (a Kafka partition with no leader,
 * the brokers away): nothing was written, and the same write may succeed later. A webhook that meets it
 * is answered "not stored" ({@code 503}) so that LINE delivers it again; the journal that throws it says
 * so in its own log, rate-limited, so callers do not log it again for every webhook.
 */
public final class StoreUnavailableException extends StoreException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
