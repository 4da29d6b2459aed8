package io.linegate.webhook;

/**
 * Told what became of each event, once it is durable: for tests (the test kit waits on it), audits
 * and metrics of one's own. Called on the dispatcher's threads: return quickly; what it throws is
 * logged and ignored.
 */
public interface DispatchListener {

    /** The event is done: its done-mark and state changes committed, after {@code attempts} runs (1: the first). */
    default void done(String eventId, String outcome, int attempts) {
    }

    /**
     * A run of the event failed with {@code error}: it will run again ({@code retrying}), its failure
     * recorded; or it was given up on, its dead letter committed.
     */
    default void failed(String eventId, int attempt, Throwable error, boolean retrying) {
    }
}
