package io.linegate.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The durable path of webhook events: raw bodies in, split events out, done-marks.
 *
 * <p>Contract for every backend: a write's future completes only once the change is committed and
 * would survive a crash of the process (and, where the backend can promise it, of the machine); a
 * future that completes exceptionally means the change may not have happened, so the caller must not
 * act as if it had (no {@code 200} for a webhook). Futures may complete on a store thread: continue
 * with {@code *Async} on your own executor rather than doing real work in a dependent stage.
 *
 * <p>Order. Inbox entries and events are numbered ({@code seq}) in the order the numbers are given,
 * and nothing makes writers take turns for them. On a store only one process writes (SQLite) that is
 * also the order in which they are committed. On a shared store it need not be: nodes append at the
 * same time, and a replayed dead letter becomes an event while a split commits, so an entry or event
 * with a lower number may become visible after one with a higher number (for at most as long as a
 * transaction may last). What the guidelines need holds all the same: events of one conversation are
 * numbered, and so handled, in the order their webhooks were acknowledged. That is the contract, and
 * this is why it holds:
 * <ul>
 *   <li>a webhook acknowledged before another was received has the lower inbox number (its number was
 *       given before it committed);</li>
 *   <li>a splitter reads the lowest unsplit bodies ({@link #inbox}{@code (0, n)}) and splits a body
 *       only together with, or after, every lower body of the same conversation it read: a body it
 *       cannot take (held by another session, {@link BodiesHeldException}) holds back the later bodies
 *       of its conversations, never those of others;</li>
 *   <li>a split takes its bodies first, in the transaction that numbers their events, so a body's
 *       events are numbered before any later body of the same conversation can be split: two
 *       splitters that read the same bodies cannot both split them ({@link #split} fails for the
 *       second), and one that reads a later body of the conversation finds the earlier one held
 *       (being split) or gone (split, its events numbered).</li>
 * </ul>
 * Nothing in this needs one splitter: the split lease ({@link Cluster#leaseSplitting}) only spares the
 * nodes reading and parsing the same bodies, and when it cannot be had nobody waits for it. A reader
 * that pages forward by number ({@link #pending(Set, long, int)}) looks behind its cursor now and then
 * ({@link #pendingCounts}) for what was committed late.
 */
public interface EventJournal {

    /** Appends a raw webhook body. The future completes when it would survive a crash. */
    CompletableFuture<Void> append(byte[] body, Instant receivedAt);

    /**
     * Whether appends (webhooks waiting for their {@code 200}) are waiting to commit right now, so that
     * processing, which may slow under a burst, had better leave the store to them for a moment; false
     * where appends have a path of their own.
     */
    default boolean appendsWaiting() {
        return false;
    }

    /** Inbox entries after {@code afterSeq}, oldest first. */
    List<InboxEntry> inbox(long afterSeq, int limit);

    /**
     * Atomically replaces inbox entries by their events: each event whose id was not seen within the
     * dedupe window becomes pending, the rest are counted as duplicates; what could not become an
     * event ({@code rejected}: a whole body that is not a webhook document, or one element of a body's
     * {@code events} that is not an event) becomes a dead letter at once, a whole body kept byte for
     * byte (see {@link DeadLetters#body}). The consumed inbox entries are removed in the same
     * transaction, before the events are numbered; if one of them is gone already (another node split
     * it), nothing changes and the future fails with {@link Cluster.LeaseLostException}; if one is held
     * by another session (another node is splitting it, or a session paused in a transaction holds its
     * row), nothing changes and the future fails at once, without waiting for it, with
     * {@link BodiesHeldException} naming the held entries.
     */
    CompletableFuture<SplitResult> split(List<Long> consumedInboxSeqs, List<NewEvent> events,
                                         List<Rejected> rejected);

    /** Pending events after {@code afterSeq}, oldest first. */
    List<StoredEvent> pending(long afterSeq, int limit);

    /**
     * Pending events of the given partitions (see {@link Cluster}) after {@code afterSeq}, lowest
     * numbers first. On a shared store an event numbered below {@code afterSeq} may still become
     * visible (see the class comment): {@link #pendingCounts} finds such events.
     */
    List<StoredEvent> pending(Set<Integer> partitions, long afterSeq, int limit);

    /**
     * How many events of each of the given partitions are pending with numbers up to {@code upToSeq}
     * (partitions with none are left out), read in one statement. A reader that has loaded everything
     * up to {@code upToSeq} compares these with what it holds: more here means events committed after
     * the reader had passed their numbers.
     */
    Map<Integer, Long> pendingCounts(Set<Integer> partitions, long upToSeq);

    long pendingCount();

    /**
     * Marks an event done and applies the handler's state changes (see {@link ConversationStates}) in
     * the same transaction, so that a handler whose effects are state changes takes effect exactly
     * once. A value of {@code null} removes the key. If the event is no longer pending (another node
     * completed it), nothing changes. On a shared store, fails with {@link Cluster.LeaseLostException}
     * if this node no longer holds the event's partition.
     */
    CompletableFuture<Void> complete(long seq, String lane, Map<String, String> stateChanges);

    CompletableFuture<Void> recordFailure(long seq, int attempts, String error);

    /**
     * Records, durably and apart from the done-mark, what the event's handler has already sent that
     * must not be sent again when the handler is retried (the dispatcher keeps accepted replies here:
     * a reply token is single use). {@code sent} is opaque to the store and replaces what was there;
     * it comes back with the event ({@link StoredEvent#sent()}), goes with it to the dead letters and
     * back with a replay, and is gone once the event is done. Not fenced: it records what happened.
     */
    CompletableFuture<Void> recordSent(long seq, String sent);

    /**
     * Moves a pending event to the dead letters (see {@link DeadLetters}) in one transaction; fenced
     * like {@link #complete}.
     */
    CompletableFuture<Void> deadLetter(long seq, int attempts, String error);

    /** Forgets event ids first seen before {@code before}; returns how many. */
    CompletableFuture<Integer> forgetSeenBefore(Instant before);

    record InboxEntry(long seq, Instant receivedAt, byte[] body) {}

    /**
     * An event to store. {@code lane} is the conversation it belongs to: events of one lane are
     * handled one at a time, in order.
     */
    record NewEvent(String eventId, String lane, String destination, String payload, Instant receivedAt) {}

    /**
     * A pending event; {@code partition} is its lane's partition (see {@link Cluster}); {@code sent}
     * is what {@link #recordSent} last recorded for it, or null.
     */
    record StoredEvent(long seq, String eventId, String lane, String destination, String payload,
                       Instant receivedAt, int attempts, int partition, String sent) {}

    /**
     * What a signed webhook held that cannot become an event. A whole body carries its bytes exactly
     * as received in {@code body} (they need not be UTF-8), with {@code payload} a readable rendering
     * of them; a single element of {@code events} has {@code body} null and its JSON in
     * {@code payload}. {@code reason} says what was wrong.
     */
    record Rejected(String eventId, String lane, String destination, String payload, byte[] body,
                    Instant receivedAt, String reason) {

        /** A whole body that is not a webhook document. */
        public static Rejected body(String eventId, byte[] body, Instant receivedAt, String reason) {
            // The rendering is text any database takes: undecodable bytes and NUL become U+FFFD.
            String readable = new String(body, StandardCharsets.UTF_8).replace('\0', '\uFFFD');
            return new Rejected(eventId, "unparsed", null, readable, body.clone(), receivedAt, reason);
        }

        /** One element of a body's {@code events} that is not an event. */
        public static Rejected event(String eventId, String destination, String json, Instant receivedAt, String reason) {
            return new Rejected(eventId, "unparsed", destination, json, null, receivedAt, reason);
        }
    }

    /**
     * A split refused, without waiting, because another session holds some of its inbox entries; the
     * caller splits the rest, keeping back the later bodies of the held bodies' conversations.
     */
    final class BodiesHeldException extends RuntimeException {
        private final Set<Long> held;

        public BodiesHeldException(Set<Long> held) {
            super(held.size() + " of the webhook bodies being split are held by another session");
            this.held = Set.copyOf(held);
        }

        /** The inbox numbers of the held entries. */
        public Set<Long> held() {
            return held;
        }
    }

    /** {@code unparseable}: dead letters made at once from {@code rejected}. */
    record SplitResult(int accepted, int duplicates, int unparseable) {}
}
