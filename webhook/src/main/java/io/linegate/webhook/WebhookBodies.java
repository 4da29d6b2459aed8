package io.linegate.webhook;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.linegate.core.Json;
import io.linegate.store.EventJournal.InboxEntry;
import io.linegate.store.EventJournal.NewEvent;
import io.linegate.store.EventJournal.Rejected;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Splits a stored webhook body into its events, each with its {@link ConversationKey}. A body is one
 * JSON document, strictly: anything after it (a second document) or a key given twice makes it
 * ambiguous, so it is rejected whole rather than read one way here and another way elsewhere. An
 * element of {@code events} that is not an object is rejected alone; the body's other events go on.
 * Public for journals that split at acknowledgement (Apache Kafka's, which keys each event by its
 * conversation), so that every journal splits a body the same way.
 */
public final class WebhookBodies {
    private static final ObjectReader STRICT = Json.mapper().reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private WebhookBodies() {}

    /**
     * Adds the body's events to {@code events} and what cannot be an event to {@code rejected}: the
     * whole body (kept byte for byte) if it is not one webhook document, else each element of
     * {@code events} that is not an object.
     */
    public static void split(InboxEntry entry, List<NewEvent> events, List<Rejected> rejected) {
        split(entry, events, rejected, ParsedEvents.NONE);
    }

    /** {@link #split(InboxEntry, List, List)}, keeping each event's tree in {@code parsed} for its handling. */
    static void split(InboxEntry entry, List<NewEvent> events, List<Rejected> rejected, ParsedEvents parsed) {
        JsonNode root;
        try {
            root = STRICT.readTree(entry.body());
        } catch (IOException e) {
            rejected.add(Rejected.body("inbox:" + entry.seq(), entry.body(), entry.receivedAt(),
                    "the webhook body is not one JSON document: " + reason(e)));
            return;
        }
        if (root == null || !root.isObject() || !root.path("events").isArray()) {
            rejected.add(Rejected.body("inbox:" + entry.seq(), entry.body(), entry.receivedAt(),
                    "the webhook body is not a webhook document (an object with an events array)"));
            return;
        }
        JsonNode destinationNode = root.path("destination");
        String destination = destinationNode.isTextual() ? destinationNode.asText() : null;
        int index = 0;
        for (JsonNode event : root.path("events")) {
            if (!event.isObject()) {
                rejected.add(Rejected.event("inbox:" + entry.seq() + "#" + index, destination, event.toString(),
                        entry.receivedAt(), "events[" + index + "] is not a JSON object"));
            } else {
                String payload = event.toString();
                JsonNode idNode = event.path("webhookEventId");
                String id = idNode.isTextual() ? idNode.asText() : "";
                if (id.isEmpty()) {
                    // LINE always sends an id; without one, a digest of the event still dedupes exact repeats.
                    id = "sha256:" + sha256(payload);
                }
                events.add(new NewEvent(id, ConversationKey.of(event, id).key(), destination, payload, entry.receivedAt()));
                parsed.keep(id, payload, event);
            }
            index++;
        }
    }

    /** The parser's complaint without the source excerpt (which would echo the body into the dead letter). */
    private static String reason(IOException e) {
        String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.length() > 200 ? m.substring(0, 200) + "..." : m;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
