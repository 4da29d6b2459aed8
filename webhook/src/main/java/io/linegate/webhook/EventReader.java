package io.linegate.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.bot.webhook.model.Event;
import io.linegate.store.EventJournal.StoredEvent;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a stored event for its handling, once: its tree (kept from the split when this node split
 * it, else parsed from the store) and its typed event (a known type whose sub-field changed shape is
 * read without it, counted, and logged once per field).
 */
final class EventReader {
    private static final Logger log = LoggerFactory.getLogger(EventReader.class);
    private static final ObjectMapper SDK = SdkEvents.SDK;

    /** An event as its handler sees it: the raw tree, the typed event, the sub-fields left out. */
    record Read(JsonNode tree, Event event, List<String> degraded) {}

    private final ParsedEvents parsedAtSplit;
    private final DispatchMetrics metrics;
    private final Set<String> degradedSeen = ConcurrentHashMap.newKeySet();

    EventReader(ParsedEvents parsedAtSplit, DispatchMetrics metrics) {
        this.parsedAtSplit = parsedAtSplit;
        this.metrics = metrics;
    }

    Read read(StoredEvent head) {
        JsonNode tree = parsedAtSplit.take(head.eventId(), head.payload()); // parsed once: by the split, when it was this node's
        if (tree == null) {
            tree = tree(head.payload());
        }
        SdkEvents.Parsed parsed = SdkEvents.parse(tree);
        if (!parsed.degraded().isEmpty()) {
            metrics.degraded.increment();
            for (String field : parsed.degraded()) {
                String key = tree.path("type").asText() + ":" + field;
                if (degradedSeen.size() < 64 && degradedSeen.add(key)) {
                    log.warn("event {} ({}): {} has a shape the SDK does not know; the event reaches its route"
                            + " without it, with the raw JSON (logged once per field)", head.eventId(),
                            tree.path("type").asText(), field);
                }
            }
        }
        return new Read(tree, parsed.event(), parsed.degraded());
    }

    /** The stored event as a tree, shared by the typed event and the context. */
    private static JsonNode tree(String payload) {
        try {
            return SDK.readTree(payload);
        } catch (Exception e) {
            return SDK.createObjectNode(); // stored events were split from valid JSON; this is only a guard
        }
    }
}
