package io.linegate.webhook;

import io.linegate.store.Cluster;
import io.linegate.store.WriteFailures;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which partitions of the event stream this node may handle now, kept by heartbeats (see
 * {@link Cluster}). On a store only this process uses there is one partition, always owned, and no
 * heartbeat. On a shared store:
 * <ul>
 *   <li>a partition newly taken is first caught up (its events already behind the load cursor are
 *       loaded) before it joins the others;</li>
 *   <li>when the cluster asks for partitions back (a node joined), the ones with the least work here
 *       are drained: their events are no longer started, and once none is in flight the lease is
 *       given back with the next heartbeat;</li>
 *   <li>if heartbeats fail until the leases may have run out (by this node's own clock, with a
 *       margin), nothing is handled until a heartbeat succeeds again;</li>
 *   <li>one node splits webhook bodies into events, lowest numbers first, so that the nodes do not
 *       all parse the same bodies: it holds a short split lease ({@value #SPLIT_LEASE_MS} ms, by the
 *       database's clock), which it renews as it works and every other node tries to take, so that a
 *       node that stalls holds the splitting up for about that long; if the lease has run out and
 *       cannot be taken (a session holds its row), every node splits (the order per conversation holds
 *       by the splits themselves, see {@code EventJournal}).</li>
 * </ul>
 * All methods are called from the dispatcher's pump or heartbeat threads; the sets are replaced,
 * never changed in place, so readers on handler threads see a consistent set.
 */
final class Ownership {
    private static final Logger log = LoggerFactory.getLogger(Ownership.class);

    static final long SPLIT_LEASE_MS = 1_000;
    private static final long SPLIT_RENEW_NANOS = 250_000_000L;
    private static final long SPLIT_MARGIN_NANOS = 200_000_000L;

    private final Cluster cluster;
    private final Duration ttl;
    private volatile long splitUntilNanos;
    private long nextSplitTry; // pump thread only

    private volatile Set<Integer> steady;       // owned, caught up, not draining
    private volatile Set<Integer> catchingUp = Set.of();
    private volatile Set<Integer> draining = Set.of();
    private volatile long validUntilNanos = Long.MAX_VALUE;
    private boolean heartbeatCannotWrite; // the heartbeat thread's own: its last failure was said once
    private volatile int catchUpGeneration; // grows whenever a partition (re)joins the catch-up

    Ownership(Cluster cluster, Duration ttl) {
        this.cluster = cluster;
        this.ttl = ttl;
        this.steady = cluster.shared() ? Set.of() : Set.of(0);
    }

    boolean shared() {
        return cluster.shared();
    }

    /**
     * Whether an event of {@code partition} may be started, or send, now: owned (caught up or not), not
     * draining, leases valid, and still held by the cluster's word of this moment ({@link Cluster#holds}).
     */
    boolean mayHandle(int partition) {
        return owned(partition) && cluster.holds(partition);
    }

    /**
     * Starts a handler run of an event of {@code partition} if one may be started now (as {@link #mayHandle}),
     * in one step with the cluster's own check ({@link Cluster#startRun}); null if not. The caller ends it.
     */
    Cluster.Run startRun(int partition) {
        if (!owned(partition)) {
            return null;
        }
        return cluster.startRun(partition);
    }

    /**
     * Whether {@code run}, started for an event of {@code partition}, may still send: owned (caught up or not),
     * leases valid, and the cluster's word for this run ({@link Cluster.Run#holds}: a partition being handed
     * over is still this run's until the handover ends).
     */
    boolean mayContinue(int partition, Cluster.Run run) {
        return owned(partition) && run.holds();
    }

    private boolean owned(int partition) {
        return (steady.contains(partition) || catchingUp.contains(partition)) && System.nanoTime() < validUntilNanos;
    }

    /** Partitions whose events the main load cursor reads. */
    Set<Integer> steady() {
        return System.nanoTime() < validUntilNanos ? steady : Set.of();
    }

    /** Partitions taken since the last catch-up, whose older events must be loaded first. */
    Set<Integer> catchingUp() {
        return System.nanoTime() < validUntilNanos ? catchingUp : Set.of();
    }

    /**
     * Events of {@code partition} were unloaded while this node still holds it (its leases lapsed for a
     * moment, say): the load cursor is past them, so the partition is caught up again.
     */
    synchronized void recatch(int partition) {
        if (catchingUp.contains(partition)) {
            catchUpGeneration++; // the catch-up starts over from the oldest event
        } else if (steady.contains(partition)) {
            catchUpGeneration++;
            Set<Integer> s = new HashSet<>(steady);
            s.remove(partition);
            Set<Integer> c = new HashSet<>(catchingUp);
            c.add(partition);
            steady = Set.copyOf(s);
            catchingUp = Set.copyOf(c);
        }
    }

    /** Changes whenever partitions join the catch-up, which must then start from the oldest event. */
    int catchUpGeneration() {
        return catchUpGeneration;
    }

    /**
     * The catch-up of {@code partitions} reached the load cursor: they join the others, unless a
     * partition (re)joined the catch-up since {@code generation}, which then goes on.
     */
    synchronized void caughtUp(Set<Integer> partitions, int generation) {
        if (generation != catchUpGeneration) {
            return;
        }
        Set<Integer> s = new HashSet<>(steady);
        s.addAll(partitions);
        Set<Integer> c = new HashSet<>(catchingUp);
        c.removeAll(partitions);
        steady = Set.copyOf(s);
        catchingUp = Set.copyOf(c);
    }

    /**
     * Whether this node splits webhook bodies now (called by the pump only): on a shared store, while it
     * holds the split lease or nobody can ({@link Cluster#leaseSplitting}), which it takes or renews every {@value #SPLIT_RENEW_NANOS} ns at most and
     * trusts until a little before it runs out by its own clock, so that after a pause it splits nothing
     * until it has the lease again.
     */
    boolean maySplit() {
        if (!cluster.shared()) {
            return true;
        }
        long now = System.nanoTime();
        if (now - nextSplitTry >= 0) {
            nextSplitTry = now + SPLIT_RENEW_NANOS;
            boolean held;
            try {
                held = cluster.leaseSplitting(Duration.ofMillis(SPLIT_LEASE_MS));
            } catch (RuntimeException e) {
                held = false; // the store is away: the pump's own reads and writes say so
            }
            splitUntilNanos = held ? now + TimeUnit.MILLISECONDS.toNanos(SPLIT_LEASE_MS) - SPLIT_MARGIN_NANOS : 0;
        }
        return System.nanoTime() - splitUntilNanos < 0;
    }

    int owned() {
        return steady.size() + catchingUp.size() + draining.size();
    }

    /**
     * One heartbeat: gives back drained partitions that have no work here ({@code busy} says which
     * do), renews, takes what is offered, and picks partitions to drain if the cluster has a surplus.
     * Returns the partitions this node lost without giving them back (their leases ran out).
     */
    Set<Integer> heartbeat(IntPredicate busy) {
        if (!cluster.shared()) {
            return Set.of();
        }
        long started = System.nanoTime();
        // Ask the dispatcher what is busy before, never while, holding this object's monitor: the
        // dispatcher calls recatch() with its own monitor held.
        Set<Integer> release = new HashSet<>();
        for (int p : draining) {
            if (!busy.test(p)) {
                release.add(p);
            }
        }
        Set<Integer> idle = new HashSet<>();
        for (int p : steady) {
            if (!busy.test(p)) {
                idle.add(p);
            }
        }
        Cluster.Assignment a;
        try {
            a = cluster.heartbeat(release, ttl);
        } catch (RuntimeException e) {
            String cannotWrite = WriteFailures.cannotWrite(e);
            if (cannotWrite == null) {
                log.warn("cluster heartbeat failed ({}); partitions are handled until their leases may run out", e.toString());
            } else if (!heartbeatCannotWrite) {
                // Once, not every second: the store says (rate-limited) that it cannot write until it can.
                heartbeatCannotWrite = true;
                log.warn("cluster heartbeat failed: the store cannot write ({}); partitions are handled until their leases"
                        + " may run out", cannotWrite);
            } else {
                log.debug("cluster heartbeat failed: {}", cannotWrite);
            }
            return Set.of();
        }
        heartbeatCannotWrite = false;
        return apply(a, release, idle, started);
    }

    private synchronized Set<Integer> apply(Cluster.Assignment a, Set<Integer> release, Set<Integer> idle, long started) {
        // Leases run for ttl from a moment after "started": stop a second early by this node's own clock.
        validUntilNanos = started + ttl.toNanos() - Math.min(Duration.ofSeconds(1).toNanos(), ttl.toNanos() / 4);
        Set<Integer> held = a.held();
        Set<Integer> lost = new HashSet<>(steady);
        lost.addAll(catchingUp);
        lost.addAll(draining);
        lost.removeAll(held);
        lost.removeAll(release);
        Set<Integer> newSteady = new HashSet<>(steady);
        newSteady.retainAll(held);
        Set<Integer> newDraining = new HashSet<>(draining);
        newDraining.retainAll(held);
        Set<Integer> newCatching = new HashSet<>(catchingUp);
        newCatching.retainAll(held);
        for (int p : held) {
            if (!newSteady.contains(p) && !newDraining.contains(p) && !newCatching.contains(p)) {
                newCatching.add(p);
                catchUpGeneration++;
            }
        }
        int toDrain = a.surplus() - newDraining.size();
        if (toDrain > 0) {
            // Prefer partitions with nothing in flight here: they can be given back at the next heartbeat.
            for (int pass = 0; pass < 2 && toDrain > 0; pass++) {
                for (Integer p : Set.copyOf(newSteady)) {
                    if (toDrain == 0) {
                        break;
                    }
                    if (pass == 1 || idle.contains(p)) {
                        newSteady.remove(p);
                        newDraining.add(p);
                        toDrain--;
                    }
                }
            }
        }
        steady = Set.copyOf(newSteady);
        catchingUp = Set.copyOf(newCatching);
        draining = Set.copyOf(newDraining);
        if (!lost.isEmpty()) {
            log.warn("partitions {} were taken over by another node; their events here are dropped", lost);
        }
        return lost;
    }

    /** Gives every lease back at once (graceful stop). */
    void leave() {
        if (cluster.shared()) {
            try {
                cluster.leave();
            } catch (RuntimeException e) {
                log.warn("could not leave the cluster cleanly; the leases will run out by themselves", e);
            }
        }
        steady = Set.of();
        catchingUp = Set.of();
        draining = Set.of();
    }
}
