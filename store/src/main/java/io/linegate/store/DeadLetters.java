package io.linegate.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Events that could not be handled (or bodies that could not be parsed), kept for an operator to replay. */
public interface DeadLetters {

    /** The newest dead letters first. */
    List<DeadLetter> list(int limit);

    /**
     * A page of the dead letters matching {@code filter}, newest first, those with an id below
     * {@code beforeId} ({@link Long#MAX_VALUE} for the first page): a query that reads one page of the
     * table's key however many letters there are.
     */
    List<DeadLetter> page(Filter filter, long beforeId, int limit);

    /** How many dead letters match {@code filter}. */
    long count(Filter filter);

    /** One dead letter, replayed or not; empty for an unknown id. */
    Optional<DeadLetter> get(long deadLetterId);

    /**
     * Which dead letters: only those still waiting for a replay, only one conversation's (its lane, such
     * as {@code user:U…}; null for all), and those whose error or event id contains {@code text}
     * (ignoring case; null or empty for all).
     */
    record Filter(boolean waitingOnly, String lane, String text) {
        public static final Filter ALL = new Filter(false, null, null);
    }

    /** How many dead letters wait for an operator: not replayed yet. */
    long waiting();

    /**
     * Puts a dead letter back, durably and at most once; empty if there is no such letter or it was
     * already replayed. An event goes back among the pending events (the result is its sequence
     * number); a whole body that did not parse goes back into the inbox with its original bytes, to
     * be split again (the result is its inbox sequence number), so that a fixed parser reads it as the
     * platform sent it.
     */
    CompletableFuture<Optional<Long>> replay(long deadLetterId);

    /**
     * The signed body exactly as it was received, byte for byte, when the dead letter is a whole body
     * that did not parse; empty for an event (whose JSON is its {@link DeadLetter#payload()}) and for
     * an unknown id.
     */
    Optional<byte[]> body(long deadLetterId);

    /**
     * A dead letter still waiting for a replay, as it was journaled, for a journal kept outside the store
     * (Kafka's events topic) to put back itself; empty if there is no such letter or it was replayed.
     * Putting it back, then {@link #markReplayed}, is the caller's.
     */
    Optional<Waiting> waiting(long deadLetterId);

    /** Marks a dead letter replayed; false if it was already (another replay got there first) or is unknown. */
    CompletableFuture<Boolean> markReplayed(long deadLetterId);

    /**
     * A dead letter's event as it was journaled; {@code body} is the signed body's exact bytes for a whole
     * body that did not parse (then the other fields but {@code receivedAt} are null or its rendering).
     */
    record Waiting(long id, String eventId, String lane, String destination, String payload, Instant receivedAt, byte[] body) {}

    /**
     * A dead letter. {@code payload} is the event's JSON, or for a whole body that did not parse a
     * readable rendering of it (its exact bytes are in {@link #body}); {@code lane} is
     * {@code unparsed} for what never became an event.
     */
    record DeadLetter(long id, String eventId, String lane, String payload, int attempts, String error,
                      Instant failedAt, Instant replayedAt) {}
}
