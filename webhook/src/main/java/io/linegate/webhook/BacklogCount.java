package io.linegate.webhook;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Events stored and not yet done (including bodies not yet split), as this node counts them: its own
 * changes as they commit, and a recount from the store now and then for what other nodes append and
 * finish. A recount is taken only when none of this node's writes was between the store and this
 * count while the store was read, since such a write would be counted twice or not at all: a done-mark
 * committed before the recount but subtracted after it had made the backlog negative.
 */
final class BacklogCount {
    private final AtomicLong count = new AtomicLong();
    private final AtomicInteger writesInFlight = new AtomicInteger();
    private final AtomicLong applied = new AtomicLong();

    long get() {
        return count.get();
    }

    /** Before a store write that changes the backlog: a recount now would not know whether it counted it. */
    void writeStarted() {
        writesInFlight.incrementAndGet();
    }

    /** After that write committed, changing the backlog by {@code delta}, or failed ({@code 0}). */
    void writeEnded(long delta) {
        count.addAndGet(delta);
        applied.incrementAndGet();
        writesInFlight.decrementAndGet();
    }

    /** Counts one body the receiver appended. */
    void appended() {
        count.incrementAndGet();
        applied.incrementAndGet();
    }

    /** Sets the count to the store's, unless one of this node's writes crossed the read; true if it did. */
    boolean recount(LongSupplier storeCount) {
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
