package io.linegate.webhook;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Events stored and not yet done (including bodies not yet split).
 *
 * <p>On a store only this process writes, it is this process's count: its own changes as they
 * commit, from a count of the store taken at the start. A recount is taken only when none of this
 * process's writes was between the store and this count while the store was read, since such a write
 * would be counted twice or not at all.
 *
 * <p>On a shared store, the other nodes append, split and finish too, so counting this node's changes
 * would drift from the truth (down past zero when this node finishes events another node appended):
 * the count is the store's own, one statement's reading, renewed at every heartbeat.
 */
final class BacklogCount {
    private final boolean shared;
    private final AtomicLong count = new AtomicLong();
    private final AtomicInteger writesInFlight = new AtomicInteger();
    private final AtomicLong applied = new AtomicLong();

    BacklogCount(boolean shared) {
        this.shared = shared;
    }

    long get() {
        return count.get();
    }

    /** Before a store write that changes the backlog: a recount now would not know whether it counted it. */
    void writeStarted() {
        writesInFlight.incrementAndGet();
    }

    /** After that write committed, changing the backlog by {@code delta}, or failed ({@code 0}). */
    void writeEnded(long delta) {
        if (!shared) {
            count.addAndGet(delta);
        }
        applied.incrementAndGet();
        writesInFlight.decrementAndGet();
    }

    /** Counts one body the receiver appended. */
    void appended() {
        if (!shared) {
            count.incrementAndGet();
        }
        applied.incrementAndGet();
    }

    /** Sets the count to the store's, unless (on a store of this process's own) one of its writes crossed the read; true if set. */
    boolean recount(LongSupplier storeCount) {
        if (shared) {
            count.set(storeCount.getAsLong());
            return true;
        }
        long before = applied.get();
        if (writesInFlight.get() > 0) {
            return false;
        }
        long stored = storeCount.getAsLong();
        if (writesInFlight.get() > 0 || applied.get() != before) {
            return false;
        }
        count.set(stored);
        return true;
    }
}
