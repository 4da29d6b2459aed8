package io.linegate.webhook;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/** Sliding one-minute windows per source, for {@link FloodPolicy}. Thread-safe. */
final class SourceFloodLimit {
    private static final long MINUTE = 60_000;
    private final FloodPolicy policy;
    private final Map<String, ArrayDeque<Long>> windows = new HashMap<>();
    private long lastSweep;

    SourceFloodLimit(FloodPolicy policy) {
        this.policy = policy;
    }

    FloodPolicy policy() {
        return policy;
    }

    /**
     * Counts an event of {@code source} at time {@code at} (ms) if the source is under its limit and
     * returns 0; otherwise returns how many ms until it would be under the limit, counting nothing.
     */
    synchronized long admit(String source, long at) {
        sweep(at);
        ArrayDeque<Long> window = windows.computeIfAbsent(source, k -> new ArrayDeque<>());
        while (!window.isEmpty() && window.peekFirst() <= at - MINUTE) {
            window.pollFirst();
        }
        if (window.size() >= policy.limitPerMinute()) {
            return Math.max(1, window.peekFirst() + MINUTE - at);
        }
        window.addLast(at);
        return 0;
    }

    /** Forgets quiet sources so that memory follows the number of active ones. */
    private void sweep(long now) {
        if (now - lastSweep < MINUTE) {
            return;
        }
        lastSweep = now;
        for (Iterator<ArrayDeque<Long>> it = windows.values().iterator(); it.hasNext(); ) {
            ArrayDeque<Long> w = it.next();
            if (w.isEmpty() || w.peekLast() <= now - MINUTE) {
                it.remove();
            }
        }
    }
}
