package io.linegate.emulator.state;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** What a bot sent to one chat, oldest first, keeping at most {@code limit} entries (bounded memory). */
public final class Inbox {
    /** One delivered message object, as the bot sent it. */
    public record Entry(String via, Instant sentAt, String requestId, String messageId, JsonNode message) {}

    private final int limit;
    private final ArrayDeque<Entry> entries;

    public Inbox(int limit) {
        this.limit = Math.max(1, limit);
        // Small at first: a campaign creates one inbox per recipient, most of which get one message.
        this.entries = new ArrayDeque<>(Math.min(this.limit, 2));
    }

    public synchronized void add(Entry e) {
        if (entries.size() >= limit) {
            entries.pollFirst();
        }
        entries.addLast(e);
    }

    public synchronized List<Entry> snapshot() {
        return new ArrayList<>(entries);
    }
}
