package io.linegate.store;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Where a journal kept outside the store (a partitioned log: Apache Kafka's events topic) stands, kept
 * in the store's transactions together with the conversation state, as Kafka's documentation describes
 * for offsets stored outside Kafka ("Storing Offsets Outside Kafka", in the consumer's documentation).
 * For each partition of the log:
 * <ul>
 *   <li>a position: the offset a node that takes the partition reads from, never past an event that is
 *       not finished (the caller computes it; it only ever moves forward);</li>
 *   <li>an owner epoch, raised by each {@link #claim}: every {@link #finish} is fenced by the epoch its
 *       node claimed, so a node that lost the partition commits nothing for it afterwards;</li>
 *   <li>the finished offsets at or above the position (events of one partition finish out of order:
 *       conversations run in parallel), so that a node that takes the partition skips them;</li>
 *   <li>what an unfinished event's handler has sent ({@link EventJournal#recordSent}), and how many times
 *       it has failed ({@link #recordAttempts}).</li>
 * </ul>
 * And the finished {@code webhookEventId}s, so that a redelivered webhook is handled once.
 */
public interface LogPositions {

    /**
     * A partition taken: where to read from, the epoch that fences its writes, what is done or sent above, and
     * how many times the handlers of unfinished events above it have failed ({@link #recordAttempts}).
     */
    record Claim(long nextOffset, long epoch, Set<Long> done, Map<Long, String> sent, Map<Long, Integer> attempts) {
        /** A claim with no failed attempts recorded. */
        public Claim(long nextOffset, long epoch, Set<Long> done, Map<Long, String> sent) {
            this(nextOffset, epoch, done, sent, Map.of());
        }
    }

    /** How an event ends: its handler's state changes (a value of null removes the key), or as a dead letter. */
    record Finish(String lane, Map<String, String> stateChanges, DeadLetter deadLetter) {
        public static Finish done(String lane, Map<String, String> stateChanges) {
            return new Finish(lane, stateChanges, null);
        }

        public static Finish deadLetter(DeadLetter letter) {
            return new Finish(letter.lane(), Map.of(), letter);
        }
    }

    /** An event that failed for good, for {@link DeadLetters}. */
    record DeadLetter(String eventId, String lane, String destination, String payload, Instant receivedAt, int attempts,
                      String error) {}

    /** Takes {@code partition} for {@code owner}: raises its epoch, so that the previous owner's writes fail. */
    CompletableFuture<Claim> claim(int partition, String owner);

    /**
     * Finishes the event at {@code offset} in one transaction, fenced by {@code epoch}: its state changes
     * or dead letter, its done-mark, its id as seen, and the partition's position moved up to
     * {@code position} (never down). {@code eventId} is what the event is deduplicated by: its
     * {@code webhookEventId}, or for a replayed dead letter that id and the letter's. Fails with {@link Cluster.LeaseLostException}, changing nothing, if
     * another node claimed the partition since.
     */
    CompletableFuture<Void> finish(int partition, long epoch, long offset, long position, String eventId, Finish how);

    /** Which of {@code ids} were finished already. */
    Set<String> seenAmong(Collection<String> ids);

    /** Records what an unfinished event's handler sent; not fenced: it records what happened. */
    CompletableFuture<Void> recordSent(int partition, long offset, String sent);

    /**
     * Records how many times the handler of the unfinished event at {@code offset} has failed, so that the
     * node that takes the partition next goes on counting ({@link Claim#attempts}) and dead-letters the event
     * after the configured attempts in all, not that many again; gone once the event is finished. Fenced
     * like {@link #finish}: fails with {@link Cluster.LeaseLostException}, changing nothing, if another node
     * claimed the partition since.
     */
    CompletableFuture<Void> recordAttempts(int partition, long epoch, long offset, int attempts);

    /** Forgets finished ids first seen before {@code before}; returns how many. */
    CompletableFuture<Integer> forgetSeenBefore(Instant before);

    /** Each partition's position. */
    Map<Integer, Long> positions();

    /**
     * A partition as the store has it: its position, the node that last claimed it, and the offsets
     * finished at or above the position.
     */
    record Standing(long position, String owner, Set<Long> doneAbove) {}

    /** Every partition's {@link Standing}, read in one statement (the figures agree with each other). */
    Map<Integer, Standing> standing();
}
