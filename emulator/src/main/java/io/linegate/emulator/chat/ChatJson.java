package io.linegate.emulator.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.linegate.core.Json;
import io.linegate.emulator.state.Conversation;
import io.linegate.emulator.state.DeliveryRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/** The chat page's JSON for conversation items, shared by the transcript and the live stream. */
final class ChatJson {
    private ChatJson() {}

    /**
     * A bot's message: {@code {"seq","side":"bot","time","via","requestId","retryKey","messageId","message"}};
     * a user's event: {@code {"seq","side":"user","eventId","event","displayText","delivery"}}, the
     * event exactly as the webhook carried it and its latest delivery (null while queued).
     */
    static ObjectNode item(Conversation.Item item) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("seq", item.seq());
        if (item instanceof Conversation.BotMessage m) {
            o.put("side", "bot");
            o.put("time", iso(m.sentAt()));
            o.put("via", m.via());
            o.put("requestId", m.requestId());
            o.put("retryKey", m.retryKey());
            o.put("messageId", m.messageId());
            o.set("message", m.message());
        } else if (item instanceof Conversation.UserEvent e) {
            o.put("side", "user");
            o.put("eventId", e.eventId());
            // The bytes the webhook carried, embedded as they are (valid JSON of our own making).
            o.putRawValue("event", new RawValue(new String(e.json(), StandardCharsets.UTF_8)));
            o.put("displayText", e.displayText());
            o.set("delivery", delivery(e.delivery()));
        }
        return o;
    }

    private static ObjectNode delivery(DeliveryRecord d) {
        if (d == null) {
            return null;
        }
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("success", d.success());
        o.put("reason", d.reason());
        o.put("detail", d.detail());
        if (d.url() != null) {
            o.put("time", iso(d.time()));
            o.put("statusCode", d.statusCode());
            o.put("durationMs", d.durationMs());
            o.put("attempt", d.attempt());
            o.put("isRedelivery", d.isRedelivery());
        }
        return o;
    }

    private static String iso(Instant i) {
        return DateTimeFormatter.ISO_INSTANT.format(i);
    }
}
