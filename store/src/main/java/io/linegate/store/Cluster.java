package io.linegate.store;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The processes (nodes) that share one store, and which of them handles which events.
 *
 * <p>Every event belongs to one of {@link #partitions()} partitions, by a hash of its conversation
 * (lane), so all events of one user, group or room are in one partition. A node handles only events
 * of the partitions it holds a lease on; leases are renewed by {@link #heartbeat}. The contract:
 * <ul>
 *   <li>at any instant at most one node holds a partition's lease;</li>
 *   <li>a lease not renewed within its time-to-live expires, and another node may take it;</li>
 *   <li>each node is given a fair share: a node that holds less takes free or expired partitions,
 *       and {@link Assignment#surplus()} tells a node that holds more how many to give back;</li>
 *   <li>a done-mark ({@link EventJournal#complete}) or dead-lettering of an event is refused with
 *       {@link LeaseLostException} unless the node still holds the event's partition, so that a node
 *       that lost its lease (a long pause, a partition) cannot commit effects another node now owns.</li>
 * </ul>
 * A store that only one process may use (the embedded one) has one partition, always held.
 */
public interface Cluster {

    /** The fixed number of partitions. */
    int partitions();

    /** This process's id among the nodes. */
    String nodeId();

    /** Whether other processes may share this store (leases and fencing are real). */
    boolean shared();

    /**
     * Renews this node's membership and its leases for {@code ttl}, gives back the partitions in
     * {@code release}, and takes free or expired partitions up to its fair share.
     */
    Assignment heartbeat(Set<Integer> release, Duration ttl);

    /**
     * Takes or renews the split lease for {@code ttl} (by the database's clock): the node that splits
     * webhook bodies into events, so that the nodes do not all read and parse the same bodies. The
     * order of events per conversation does not rest on it (see {@link EventJournal}'s order: a split
     * takes its bodies, and steps around bodies another session holds), so nothing waits for it: true
     * while this node holds it, and also to every node once the lease has run out and its row still
     * cannot be taken (a session paused in a transaction holds it), when every node splits. A short
     * lease, renewed by the splitting node as it works, so that a node that stalls holds the splitting
     * up for about that long. Always true on a store only this process uses.
     */
    boolean leaseSplitting(Duration ttl);

    /**
     * Leaves the cluster: gives back every lease at once (a graceful stop). Waits a few seconds at most: leases a
     * store that does not answer could not take back run out by themselves after the lease time.
     */
    void leave();

    /** The live nodes and what they hold. */
    List<Node> nodes();

    /** Events stored and not yet done, per partition (partitions with none are left out). */
    Map<Integer, Long> backlog();

    /**
     * The live nodes, the events waiting per partition and the webhook bodies not yet split, read in one
     * statement, so that the figures agree with each other (none is ever negative).
     */
    Snapshot snapshot();

    /**
     * This node's share of what the nodes may do together against LINE's rate limits, as of its last
     * heartbeat: {@code 1 / live nodes}, and 0 while a node that has just joined waits for every other
     * live node to have seen it (so that their shares have shrunk before it takes one). 1 on a store
     * only this process uses; NaN in a process that is not a node (it never sent a heartbeat: an
     * operator command), which shares the store's rate buckets instead.
     */
    default double share() {
        return 1.0;
    }

    /**
     * Whether this node may start handling an event of {@code partition} at this moment, as far as the one
     * who assigns partitions has told it since its last heartbeat: asked before every handler run (through
     * {@link #startRun}), so it must be cheap. Where partitions are leases the heartbeats keep, the lease
     * is the answer and this is true; where another party moves them at any time (Kafka's consumer
     * group), a partition taken away, or being handed over, stops being held at once, not at the next
     * heartbeat.
     */
    default boolean holds(int partition) {
        return true;
    }

    /**
     * Starts a handler run of an event of {@code partition}, if this node may start one now
     * ({@link #holds}), in one step with that check; null if it may not. The run counts as in flight
     * until {@link Run#end}: where another party moves partitions (Kafka's consumer group), a partition
     * it takes back is handed over only once the runs in flight for it have ended and their writes are
     * committed (for a bounded time), so that the next holder does not run an event this node is still
     * running. The caller ends every run it started, whatever became of it.
     */
    default Run startRun(int partition) {
        if (!holds(partition)) {
            return null;
        }
        return new Run() {
            @Override
            public boolean holds() {
                return Cluster.this.holds(partition);
            }

            @Override
            public void end() {
            }
        };
    }

    /** A handler run of one event, from {@link #startRun} to {@link #end}. */
    interface Run {
        /**
         * Whether the run may still send and commit for its partition: asked before every send, so it must
         * be cheap. True while this node holds the partition, and also while the partition is being handed
         * over and this run is one it waits for; false once the partition is gone.
         */
        boolean holds();

        /**
         * The run is over: its event's done-mark or dead letter is committed, its failure recorded for a
         * retry, its handling deferred, or the event left to another node. Ending a run twice is harmless.
         */
        void end();
    }

    /**
     * Where a journal kept outside the store (Kafka's events topic) stands: lag per partition, holders,
     * the oldest unfinished event's age; empty where the store is the journal ({@link #snapshot} says it all).
     */
    default Optional<LogStatus> log() {
        return Optional.empty();
    }

    /**
     * What a node holds after a heartbeat.
     *
     * @param held    the partitions this node now holds
     * @param surplus how many of them it should give back (drain, then release) for a fair share
     * @param validUntil the instant, by the store's clock, until which the leases hold
     */
    record Assignment(Set<Integer> held, int surplus, Instant validUntil) {}

    record Node(String id, Instant lastSeen, Set<Integer> partitions) {}

    /**
     * One consistent reading of the cluster.
     *
     * @param nodes   the live nodes and what they hold
     * @param backlog events stored and not yet done, per partition (partitions with none left out)
     * @param unsplit webhook bodies stored and not yet split into events
     */
    record Snapshot(List<Node> nodes, Map<Integer, Long> backlog, long unsplit) {
        /** Events waiting in partitions that no live node holds. */
        public long unowned() {
            Set<Integer> held = new HashSet<>();
            nodes.forEach(n -> held.addAll(n.partitions()));
            return backlog.entrySet().stream().filter(e -> !held.contains(e.getKey())).mapToLong(Map.Entry::getValue).sum();
        }
    }

    /** A write refused because this node no longer holds the partition of the event it concerns. */
    final class LeaseLostException extends RuntimeException {
        public LeaseLostException(String message) {
            super(message);
        }
    }
}
