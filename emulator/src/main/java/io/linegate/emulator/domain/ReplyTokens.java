package io.linegate.emulator.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reply tokens of one channel (Messaging API reference, "Send reply message": reply token): single use; valid for 1 minute after the webhook that
 * carried it was delivered; a redelivery opens a new minute but never beyond 20 minutes after the
 * event occurred. A token whose event was never delivered is not valid yet.
 */
public final class ReplyTokens {
    public static final Duration VALIDITY = Duration.ofMinutes(1);
    public static final Duration REDELIVERY_LIMIT = Duration.ofMinutes(20);

    /** Where a reply goes: the event's chat (user, group or room). */
    public static final class Entry {
        final String chatId;
        final Instant eventTime;
        Instant expiresAt = Instant.MIN;
        boolean used;

        Entry(String chatId, Instant eventTime) {
            this.chatId = chatId;
            this.eventTime = eventTime;
        }

        public String chatId() {
            return chatId;
        }
    }

    private final Map<String, Entry> tokens = new ConcurrentHashMap<>();
    /** Issue order, so that the oldest tokens go first when a load test exceeds the bound. */
    private final Queue<String> order = new ConcurrentLinkedQueue<>();
    private final AtomicInteger ordered = new AtomicInteger();
    private final int maxEntries;

    public ReplyTokens(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    public void issue(String token, String chatId, Instant eventTime) {
        tokens.put(token, new Entry(chatId, eventTime));
        order.add(token);
        // Hard bound: beyond maxEntries the oldest tokens are forgotten (they are invalid from then on).
        ordered.incrementAndGet();
        while (ordered.get() > maxEntries) {
            String oldest = order.poll();
            if (oldest == null) {
                break;
            }
            ordered.decrementAndGet();
            tokens.remove(oldest);
        }
    }

    /** The webhook carrying {@code token} was sent at {@code now}. */
    public void delivered(String token, Instant now, boolean redelivery) {
        Entry e = tokens.get(token);
        if (e == null) {
            return;
        }
        synchronized (e) {
            Instant until = now.plus(VALIDITY);
            if (redelivery) {
                Instant cap = e.eventTime.plus(REDELIVERY_LIMIT);
                if (until.isAfter(cap)) {
                    until = cap;
                }
            }
            if (until.isAfter(e.expiresAt)) {
                e.expiresAt = until;
            }
        }
    }

    /** Uses {@code token} once; null if unknown, expired, not yet delivered or already used. */
    public Entry consume(String token, Instant now) {
        Entry e = token == null ? null : tokens.get(token);
        if (e == null) {
            return null;
        }
        synchronized (e) {
            if (e.used || !now.isBefore(e.expiresAt)) {
                return null;
            }
            e.used = true;
            return e;
        }
    }

    /** Drops tokens that can no longer become valid. */
    public void sweep(Instant now) {
        Instant cutoff = now.minus(REDELIVERY_LIMIT).minus(VALIDITY);
        tokens.values().removeIf(e -> e.used || e.eventTime.isBefore(cutoff));
    }

    public void clear() {
        tokens.clear();
        order.clear();
        ordered.set(0);
    }
}
