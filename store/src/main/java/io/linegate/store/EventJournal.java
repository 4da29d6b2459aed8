package io.linegate.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The durable path of webhook events: raw bodies in, split events out, done-marks, dead letters.
 *
 * <p>Writes return futures that complete once the change is durable (committed and synced). They
 * complete on the store's writer thread: continue with {@code *Async} on your own executor rather
 * than doing real work in a dependent stage.
 */
public interface EventJournal extends AutoCloseable {

    /** Appends a raw webhook body. The future completes when it would survive a crash. */
    CompletableFuture<Void> append(byte[] body, Instant receivedAt);

    /** Inbox entries after {@code afterSeq}, oldest first. */
    List<InboxEntry> inbox(long afterSeq, int limit);

    /**
     * Atomically replaces inbox entries by their events: each event whose id was not seen within the
     * dedupe window becomes pending, the rest are counted as duplicates; bodies that could not be
     * parsed become dead letters. The consumed inbox entries are removed in the same transaction.
     */
    CompletableFuture<SplitResult> split(List<Long> consumedInboxSeqs, List<NewEvent> events,
                                         List<NewEvent> unparseable);

    /** Pending events after {@code afterSeq}, oldest first. */
    List<StoredEvent> pending(long afterSeq, int limit);

    long pendingCount();

    /**
     * Marks an event done and applies the handler's state changes in the same transaction, so that a
     * handler whose effects are state changes takes effect exactly once.
     */
    CompletableFuture<Void> complete(long seq, String lane, Map<String, String> stateChanges);

    CompletableFuture<Void> recordFailure(long seq, int attempts, String error);

    CompletableFuture<Void> deadLetter(long seq, int attempts, String error);

    List<DeadLetter> deadLetters(int limit);

    /** Puts a dead letter back as a new pending event; empty if there is no such unreplayed letter. */
    CompletableFuture<Optional<Long>> replay(long deadLetterId);

    /** Forgets event ids first seen before {@code before}; returns how many. */
    CompletableFuture<Integer> forgetSeenBefore(Instant before);

    /** The state of one conversation (lane): all keys. */
    Map<String, String> state(String lane);

    @Override
    void close();

    record InboxEntry(long seq, Instant receivedAt, byte[] body) {}

    /**
     * An event to store. {@code lane} is the conversation it belongs to: events of one lane are
     * handled one at a time, in order.
     */
    record NewEvent(String eventId, String lane, String destination, String payload, Instant receivedAt) {}

    record StoredEvent(long seq, String eventId, String lane, String destination, String payload,
                       Instant receivedAt, int attempts) {}

    record SplitResult(int accepted, int duplicates, int unparseable) {}

    record DeadLetter(long id, String eventId, String lane, String payload, int attempts, String error,
                      Instant failedAt, Instant replayedAt) {}
}
