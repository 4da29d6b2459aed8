package io.linegate.emulator.domain;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one channel delivered to each user, counted without the inbox bound: how many users got
 * anything, how many messages, the most one user got, and how many users got the same message
 * content twice (what a campaign load test must never do). It sits on the send hot path, so a
 * recipient costs one small tally and each message a 64-bit content hash computed once per request.
 */
public final class DeliverySummary {
    public record Totals(long recipients, long messages, long maxPerRecipient, long duplicatedRecipients) {}

    /** The hashes one user received: the first inline (most users get one message), the rest in an open-addressed table. */
    private static final class Tally {
        long count;
        long first;
        long[] more;
        int moreSize;
        boolean duplicated;

        /** False when {@code h} (never 0) was already received. */
        boolean add(long h) {
            if (first == 0) {
                first = h;
                return true;
            }
            if (first == h) {
                return false;
            }
            if (more == null) {
                more = new long[8];
            }
            if (!insert(more, h)) {
                return false;
            }
            if (++moreSize * 2 > more.length) {
                long[] bigger = new long[more.length * 2];
                for (long x : more) {
                    if (x != 0) {
                        insert(bigger, x);
                    }
                }
                more = bigger;
            }
            return true;
        }

        private static boolean insert(long[] table, long h) {
            int mask = table.length - 1;
            for (int i = (int) (h ^ (h >>> 32)) & mask; ; i = (i + 1) & mask) {
                if (table[i] == 0) {
                    table[i] = h;
                    return true;
                }
                if (table[i] == h) {
                    return false;
                }
            }
        }
    }

    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();
    private final AtomicLong recipients = new AtomicLong();
    private final LongAdder messages = new LongAdder();
    private final AtomicLong max = new AtomicLong();
    private final AtomicLong duplicated = new AtomicLong();

    /** {@code hashes}: one per message object delivered to {@code userId} (see {@link #contentHash}). */
    public void record(String userId, long[] hashes) {
        Tally t = tallies.get(userId);
        if (t == null) {
            t = tallies.computeIfAbsent(userId, k -> {
                recipients.incrementAndGet();
                return new Tally();
            });
        }
        long count;
        boolean firstDuplicate = false;
        synchronized (t) {
            for (long h : hashes) {
                if (!t.add(h) && !t.duplicated) {
                    t.duplicated = true;
                    firstDuplicate = true;
                }
            }
            t.count += hashes.length;
            count = t.count;
        }
        messages.add(hashes.length);
        if (firstDuplicate) {
            duplicated.incrementAndGet();
        }
        long m;
        while (count > (m = max.get()) && !max.compareAndSet(m, count)) {
            // another recipient raised the maximum meanwhile: compare again
        }
    }

    public Totals totals() {
        return new Totals(recipients.get(), messages.sum(), max.get(), duplicated.get());
    }

    public void clear() {
        tallies.clear();
        recipients.set(0);
        messages.reset();
        max.set(0);
        duplicated.set(0);
    }

    /** A 64-bit FNV-1a hash of a message's JSON text, never 0 (0 marks an empty slot). */
    public static long contentHash(String json) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < json.length(); i++) {
            h = (h ^ json.charAt(i)) * 0x100000001b3L;
        }
        return h == 0 ? 1 : h;
    }
}
