package io.linegate.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The trees of events this node split recently, by {@code webhookEventId}, so that an event handled
 * on the node that split it is parsed once: the split reads the body, and the handling takes the
 * event's tree from here instead of parsing its stored JSON again. Bounded (the oldest go first); an
 * event split elsewhere, long ago or before a restart is parsed from the store as before. A tree is
 * handed out once, and only for the very JSON it was read from: a redelivery split after the event
 * (same id, other content, dropped as a duplicate) must not stand in for it. Thread-safe.
 */
final class ParsedEvents {
    /** Keeps nothing. */
    static final ParsedEvents NONE = new ParsedEvents(0);

    private final int capacity;
    private final Map<String, Kept> trees;

    private record Kept(String json, JsonNode tree) {}

    ParsedEvents(int capacity) {
        this.capacity = capacity;
        this.trees = new LinkedHashMap<>(Math.min(capacity, 1024) * 2, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Kept> eldest) {
                return size() > ParsedEvents.this.capacity;
            }
        };
    }

    /** Keeps the tree of an event split as {@code json}. */
    synchronized void keep(String eventId, String json, JsonNode tree) {
        if (capacity > 0) {
            trees.put(eventId, new Kept(json, tree));
        }
    }

    /** The tree kept for the event {@code eventId} stored as {@code json}, once; null if none is kept. */
    synchronized JsonNode take(String eventId, String json) {
        if (capacity == 0) {
            return null;
        }
        Kept kept = trees.remove(eventId);
        return kept != null && kept.json().equals(json) ? kept.tree() : null;
    }
}
