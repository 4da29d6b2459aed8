package io.linegate.journal.kafka;

import io.linegate.store.EventJournal.StoredEvent;
import io.linegate.store.LogPositions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The events this node has fetched from the partitions it holds and not finished, numbered
 * ({@code seq}) in the order they were fetched, so that the {@code Dispatcher} reads them as it reads
 * a database's journal: per partition that is the log's order, so each conversation's order.
 *
 * <p>Per partition it knows the position that may be committed: the lowest offset not finished, or
 * past the last fetched offset when all are ({@link #position}): an event that is committing still
 * counts as not finished, so that the committed position never passes an event whose transaction
 * might fail. One monitor guards everything; the consumer's thread adds and drops, handler threads
 * read and finish.
 *
 * <p>Per partition it also counts the handler runs in flight ({@link #startRun}, {@link #endRun}), so
 * that a partition the group takes back is handed over only once they are over ({@link #startHandover},
 * {@link #awaitIdle}, then {@link #release}).
 */
final class Fetched {
    private static final int RECENTLY_FINISHED = 4_096; // per partition: far more than are fetched between two store reads

    /** One fetched event. */
    static final class Entry {
        final long seq;
        final int partition;
        final long offset;
        final Held owner;
        final String eventId;
        final String dedupeKey; // the eventId, or for a replayed dead letter the eventId and the letter (KafkaDeadLetters)
        final String lane;
        final String destination;
        final String payload;
        final Instant receivedAt;
        int attempts;
        String sent;
        boolean committing;

        Entry(long seq, Held owner, long offset, String eventId, String dedupeKey, String lane, String destination,
              String payload, Instant receivedAt, String sent) {
            this.seq = seq;
            this.dedupeKey = dedupeKey;
            this.partition = owner.partition;
            this.offset = offset;
            this.owner = owner;
            this.eventId = eventId;
            this.lane = lane;
            this.destination = destination;
            this.payload = payload;
            this.receivedAt = receivedAt;
            this.sent = sent;
        }

        StoredEvent stored() {
            return new StoredEvent(seq, eventId, lane, destination, payload, receivedAt, attempts, partition, sent);
        }
    }

    /** A partition this node holds, from its claim until it is revoked. */
    static final class Held {
        final int partition;
        final long epoch;
        final Set<Long> doneAtClaim;
        final Map<Long, String> sentAtClaim;
        final Map<Long, Integer> attemptsAtClaim;
        final TreeSet<Long> unfinished = new TreeSet<>();
        final Set<String> liveIds = new HashSet<>();
        // Ids finished here lately: a copy fetched while its first copy's done-mark committed was read as not seen by
        // the store (the read came first) and is no longer waiting here; this catches it.
        final Set<String> recentlyFinished = new LinkedHashSet<>();
        long nextFetch;
        int runs; // handler runs in flight (GroupCluster.startRun until Run.end)
        boolean handingOver; // revoked: no run starts, the runs in flight are waited for (awaitIdle)

        Held(int partition, LogPositions.Claim claim) {
            this.partition = partition;
            this.epoch = claim.epoch();
            this.doneAtClaim = new HashSet<>(claim.done());
            this.sentAtClaim = new HashMap<>(claim.sent());
            this.attemptsAtClaim = new HashMap<>(claim.attempts());
            this.nextFetch = claim.nextOffset();
        }

        /** The position if the event at {@code finishing} were finished too. */
        long positionWithout(long finishing) {
            for (long offset : unfinished) {
                if (offset != finishing) {
                    return offset;
                }
            }
            return nextFetch;
        }
    }

    private final NavigableMap<Long, Entry> bySeq = new TreeMap<>();
    private final Map<Integer, Held> held = new HashMap<>();
    private long nextSeq = 1;
    private volatile long polledAtNanos = System.nanoTime();

    synchronized void hold(Held h) {
        held.put(h.partition, h);
    }

    /** Forgets a partition this node no longer holds, and its fetched events. */
    synchronized void release(int partition) {
        Held h = held.remove(partition);
        if (h != null) {
            bySeq.values().removeIf(e -> e.owner == h);
        }
    }

    /**
     * Starts handing {@code partitions} over: from now on no run of theirs starts ({@link #holds} and
     * {@link #startRun} say no, their events are no longer handed out), while the runs in flight go on
     * holding them ({@link #stillHeld}) until the partitions are {@link #release}d.
     */
    synchronized void startHandover(Collection<Integer> partitions) {
        for (int p : partitions) {
            Held h = held.get(p);
            if (h != null) {
                h.handingOver = true;
            }
        }
    }

    /** What keeps a partition being handed over: handler runs in flight, and finished events whose write is committing. */
    record Busy(int runs, int commits) {}

    /**
     * Waits at most {@code nanos} until no run of {@code partitions} is in flight and none of their events
     * is committing; returns what is still going on per partition (partitions with nothing left out), so
     * empty once it is all over. Waits on this monitor, which it gives up meanwhile: the handler threads
     * need it to finish.
     */
    synchronized Map<Integer, Busy> awaitIdle(Collection<Integer> partitions, long nanos) throws InterruptedException {
        long until = System.nanoTime() + nanos;
        while (true) {
            Map<Integer, Busy> busy = busy(partitions);
            long left = until - System.nanoTime();
            if (busy.isEmpty() || left <= 0) {
                return busy;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    private Map<Integer, Busy> busy(Collection<Integer> partitions) {
        Map<Integer, Integer> commits = new HashMap<>();
        for (Entry e : bySeq.values()) {
            if (e.committing && e.owner.handingOver && partitions.contains(e.partition)) {
                commits.merge(e.partition, 1, Integer::sum);
            }
        }
        Map<Integer, Busy> busy = new TreeMap<>();
        for (int p : partitions) {
            Held h = held.get(p);
            int c = commits.getOrDefault(p, 0);
            if (h != null && (h.runs > 0 || c > 0)) {
                busy.put(p, new Busy(h.runs, c));
            }
        }
        return busy;
    }

    /** The consumer's poll returned (it keeps the group's membership): see {@link #holds}. */
    void polled() {
        polledAtNanos = System.nanoTime();
    }

    /**
     * Whether {@code partition} is held now: claimed and not revoked or lost, and the consumer polled
     * within {@code silenceNanos}. A node paused past the group's session timeout (a long GC, a frozen VM,
     * SIGSTOP) has lost its partitions before its consumer can hear of it: until its next poll says so,
     * the time since the last one does.
     */
    boolean holds(int partition, long silenceNanos) {
        if (silent(silenceNanos)) {
            return false;
        }
        synchronized (this) {
            Held h = held.get(partition);
            return h != null && !h.handingOver;
        }
    }

    private boolean silent(long silenceNanos) {
        return System.nanoTime() - polledAtNanos >= silenceNanos;
    }

    /**
     * Starts a handler run of an event of {@code partition} if it {@link #holds} it, in one step with that
     * check (so a handover either waits for the run or sees it refused): the claim it runs under, counted
     * until {@link #endRun}; null if not held.
     */
    Held startRun(int partition, long silenceNanos) {
        if (silent(silenceNanos)) {
            return null;
        }
        synchronized (this) {
            Held h = held.get(partition);
            if (h == null || h.handingOver) {
                return null;
            }
            h.runs++;
            return h;
        }
    }

    /** Whether a run started under {@code h} may still send and commit: {@code h} not released, the consumer polling. */
    boolean stillHeld(Held h, long silenceNanos) {
        if (silent(silenceNanos)) {
            return false;
        }
        synchronized (this) {
            return held.get(h.partition) == h;
        }
    }

    /** A run started under {@code h} ({@link #startRun}) is over. */
    synchronized void endRun(Held h) {
        h.runs--;
        if (h.handingOver) {
            notifyAll();
        }
    }

    /** The partitions claimed here and not released (those being handed over included). */
    synchronized Set<Integer> heldPartitions() {
        return Set.copyOf(held.keySet());
    }

    synchronized Held held(int partition) {
        return held.get(partition);
    }

    /**
     * Adds a fetched record of a held partition unless it is done (finished before the claim, or a
     * {@code webhookEventId} finished already or waiting here: LINE's redelivery); null if skipped.
     * {@code finishing}: the caller finishes it itself (a foreign record), so no handler ever sees it.
     */
    synchronized Entry add(Held h, long offset, String eventId, String lane, String destination, String payload,
                           Instant receivedAt, boolean seenBefore, boolean finishing) {
        return add(h, offset, eventId, eventId, lane, destination, payload, receivedAt, seenBefore, finishing);
    }

    /** {@code dedupeKey}: what makes two records one event (a replayed dead letter is not its first copy). */
    synchronized Entry add(Held h, long offset, String eventId, String dedupeKey, String lane, String destination,
                           String payload, Instant receivedAt, boolean seenBefore, boolean finishing) {
        if (held.get(h.partition) != h || offset < h.nextFetch) {
            return null; // revoked meanwhile, or fetched again after a seek
        }
        h.nextFetch = offset + 1;
        if (h.doneAtClaim.remove(offset) || seenBefore || h.recentlyFinished.contains(dedupeKey)
                || !h.liveIds.add(dedupeKey)) {
            return null;
        }
        Entry e = new Entry(nextSeq++, h, offset, eventId, dedupeKey, lane, destination, payload, receivedAt, h.sentAtClaim.remove(offset));
        Integer attempted = h.attemptsAtClaim.remove(offset); // by earlier holders: the count goes on
        e.attempts = attempted == null ? 0 : attempted;
        e.committing = finishing;
        h.unfinished.add(offset);
        bySeq.put(e.seq, e);
        return e;
    }

    /** Fetched, unfinished events of {@code partitions} (all, if null) numbered above {@code afterSeq}. */
    synchronized List<StoredEvent> after(Set<Integer> partitions, long afterSeq, int limit) {
        List<StoredEvent> out = new ArrayList<>();
        for (Entry e : bySeq.tailMap(afterSeq, false).values()) {
            if (out.size() >= limit) {
                break;
            }
            if (!e.committing && !e.owner.handingOver && (partitions == null || partitions.contains(e.partition))) {
                out.add(e.stored());
            }
        }
        return out;
    }

    synchronized Map<Integer, Long> countsUpTo(Set<Integer> partitions, long upToSeq) {
        Map<Integer, Long> out = new HashMap<>();
        for (Entry e : bySeq.headMap(upToSeq, true).values()) {
            if (partitions.contains(e.partition) && !e.owner.handingOver) {
                out.merge(e.partition, 1L, Long::sum);
            }
        }
        return out;
    }

    synchronized Map<Integer, Long> countsPerPartition() {
        Map<Integer, Long> out = new HashMap<>();
        for (Entry e : bySeq.values()) {
            out.merge(e.partition, 1L, Long::sum);
        }
        return out;
    }

    synchronized int size() {
        return bySeq.size();
    }

    synchronized Entry get(long seq) {
        Entry e = bySeq.get(seq);
        return e != null && held.get(e.partition) == e.owner ? e : null;
    }

    /** The oldest unfinished event's receipt, or null when there is none. */
    synchronized Instant oldest() {
        Instant oldest = null;
        for (Entry e : bySeq.values()) {
            if (oldest == null || e.receivedAt.isBefore(oldest)) {
                oldest = e.receivedAt;
            }
        }
        return oldest;
    }

    /** Starts finishing {@code e}: returns the position its partition may commit with it. */
    synchronized long startFinishing(Entry e) {
        e.committing = true; // hidden from the loads: a handler never starts it again meanwhile
        return e.owner.positionWithout(e.offset);
    }

    /** {@code e}'s transaction ended: committed (it leaves) or not (it may be handled again, if still held). */
    synchronized void finished(Entry e, boolean committed) {
        if (committed) {
            bySeq.remove(e.seq);
            e.owner.unfinished.remove(e.offset);
            e.owner.recentlyFinished.add(e.dedupeKey);
            if (e.owner.recentlyFinished.size() > RECENTLY_FINISHED) {
                Iterator<String> oldest = e.owner.recentlyFinished.iterator();
                oldest.next();
                oldest.remove();
            }
            e.owner.liveIds.remove(e.dedupeKey);
        } else {
            e.committing = false;
        }
        if (e.owner.handingOver) {
            notifyAll(); // awaitIdle
        }
    }
}
