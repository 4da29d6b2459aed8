package io.linegate.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.core.Json;
import io.linegate.store.EventJournal.InboxEntry;
import io.linegate.store.EventJournal.NewEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** Splits a stored webhook body into its events, each with its conversation lane. */
final class WebhookBodies {
    private WebhookBodies() {}

    /** Adds the body's events to {@code out}; returns false if the body is not a webhook document. */
    static boolean split(InboxEntry entry, List<NewEvent> out) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(entry.body());
        } catch (IOException e) {
            return false;
        }
        if (root == null || !root.isObject() || !root.path("events").isArray()) {
            return false;
        }
        String destination = root.path("destination").asText(null);
        for (JsonNode event : root.path("events")) {
            if (!event.isObject()) {
                return false;
            }
            String payload = event.toString();
            String id = event.path("webhookEventId").asText("");
            if (id.isEmpty()) {
                // LINE always sends an id; without one, a digest of the event still dedupes exact repeats.
                id = "sha256:" + sha256(payload);
            }
            out.add(new NewEvent(id, laneOf(event, id), destination, payload, entry.receivedAt()));
        }
        return true;
    }

    /** The conversation an event belongs to: events of one lane are handled in order, one at a time. */
    static String laneOf(JsonNode event, String eventId) {
        JsonNode source = event.path("source");
        switch (source.path("type").asText("")) {
            case "user":
                return "user:" + source.path("userId").asText("");
            case "group":
                return "group:" + source.path("groupId").asText("");
            case "room":
                return "room:" + source.path("roomId").asText("");
            default:
                // No source (a failed accountLink) or a source type from the future: its own lane.
                return "event:" + eventId;
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
