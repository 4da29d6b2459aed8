package io.linegate.runtime;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wrong operator tokens limited per client address, for the admin API and the console's sign-in alike:
 * {@value #BURST} failures at once, then one more every {@value #REFILL_MILLIS} ms. Only failures count,
 * so that another process sending wrong tokens cannot lock out the operator holding the right one. The
 * table of addresses is bounded; a full table forgets the addresses whose allowance is whole again, and
 * if every one is mid-attack, starts over rather than grow.
 */
public final class WrongTokenLimit {
    public static final int BURST = 10;
    public static final long REFILL_MILLIS = 1_000;
    private static final int MAX_ADDRESSES = 10_000;

    private final Map<String, Allowance> failures = new ConcurrentHashMap<>();

    private static final class Allowance {
        double left = BURST;
        long at = System.nanoTime();

        synchronized boolean exhausted(long now) {
            refill(now);
            return left < 1;
        }

        synchronized void fail(long now) {
            refill(now);
            left = Math.max(0, left - 1);
        }

        synchronized boolean whole(long now) {
            refill(now);
            return left >= BURST;
        }

        private void refill(long now) {
            left = Math.min(BURST, left + (now - at) / (REFILL_MILLIS * 1_000_000.0));
            at = now;
        }
    }

    /** Whether {@code client} has no failure left: a wrong token from it now is answered 429. */
    public boolean exhausted(String client) {
        Allowance a = failures.get(client);
        return a != null && a.exhausted(System.nanoTime());
    }

    /** Counts a wrong token from {@code client}. */
    public void failed(String client) {
        long now = System.nanoTime();
        if (!failures.containsKey(client) && failures.size() >= MAX_ADDRESSES) {
            for (Iterator<Allowance> it = failures.values().iterator(); it.hasNext(); ) {
                if (it.next().whole(now)) {
                    it.remove();
                }
            }
            if (failures.size() >= MAX_ADDRESSES) {
                failures.clear(); // every address is mid-attack: start over rather than grow
            }
        }
        failures.computeIfAbsent(client, c -> new Allowance()).fail(now);
    }
}
