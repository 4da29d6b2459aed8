package io.linegate.emulator.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.linegate.core.Json;
import io.linegate.emulator.domain.Conversation;
import io.linegate.emulator.domain.DeliveryRecord;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Collection;

/**
 * The chat page's JSON for conversation items, shared by the transcript and the live stream, written
 * as bytes: a user's event is embedded as the very bytes its webhook carried, never parsed again (a
 * page watching a chat under load gets thousands of them a second).
 */
final class ChatJson {
    private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();

    private ChatJson() {}

    /** {@code {"items":[...]}}. */
    static byte[] items(Collection<? extends Conversation.Item> items) {
        ByteArrayOutputStream out = itemList(items);
        raw(out, "}");
        return out.toByteArray();
    }

    /** {@code {"items":[...],"readUpTo":seq}}: a transcript, with the latest item the bot marked as read (0: none). */
    static byte[] transcript(Collection<? extends Conversation.Item> items, long readUpTo) {
        ByteArrayOutputStream out = itemList(items);
        raw(out, ",\"readUpTo\":" + readUpTo + "}");
        return out.toByteArray();
    }

    private static ByteArrayOutputStream itemList(Collection<? extends Conversation.Item> items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 512 * items.size());
        raw(out, "{\"items\":[");
        boolean first = true;
        for (Conversation.Item i : items) {
            if (!first) {
                out.write(',');
            }
            first = false;
            item(i, out);
        }
        raw(out, "]");
        return out;
    }

    /**
     * A bot's message: {@code {"seq","side":"bot","time","via","requestId","retryKey","messageId","message"}};
     * a user's event: {@code {"seq","side":"user","eventId","event","displayText","delivery"}}, the
     * event exactly as the webhook carried it and its latest delivery (null while queued).
     */
    static void item(Conversation.Item item, ByteArrayOutputStream out) {
        raw(out, "{\"seq\":" + item.seq());
        if (item instanceof Conversation.BotMessage m) {
            raw(out, ",\"side\":\"bot\"");
            field(out, "time", iso(m.sentAt()));
            field(out, "via", m.via());
            field(out, "requestId", m.requestId());
            field(out, "retryKey", m.retryKey());
            field(out, "messageId", m.messageId());
            raw(out, ",\"index\":" + m.index());
            raw(out, ",\"message\":");
            try {
                out.writeBytes(Json.mapper().writeValueAsBytes(m.message()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e); // a tree that was parsed from JSON
            }
        } else if (item instanceof Conversation.UserEvent e) {
            raw(out, ",\"side\":\"user\"");
            field(out, "eventId", e.eventId());
            raw(out, ",\"event\":");
            out.writeBytes(e.json()); // valid JSON of the platform's own making
            field(out, "displayText", e.displayText());
            raw(out, ",\"delivery\":");
            delivery(e.delivery(), out);
        }
        out.write('}');
    }

    private static void delivery(DeliveryRecord d, ByteArrayOutputStream out) {
        if (d == null) {
            raw(out, "null");
            return;
        }
        raw(out, "{\"success\":" + d.success());
        field(out, "reason", d.reason());
        field(out, "detail", d.detail());
        if (d.url() != null) {
            field(out, "time", iso(d.time()));
            raw(out, ",\"statusCode\":" + d.statusCode() + ",\"durationMs\":" + d.durationMs() + ",\"attempt\":" + d.attempt()
                    + ",\"isRedelivery\":" + d.isRedelivery());
        }
        out.write('}');
    }

    /** {@code ,"name":"value"} (escaped), or {@code ,"name":null}. */
    private static void field(ByteArrayOutputStream out, String name, String value) {
        raw(out, ",\"" + name + "\":");
        if (value == null) {
            raw(out, "null");
        } else {
            out.write('"');
            out.writeBytes(QUOTE.quoteAsUTF8(value));
            out.write('"');
        }
    }

    private static void raw(ByteArrayOutputStream out, String ascii) {
        out.writeBytes(ascii.getBytes(StandardCharsets.UTF_8));
    }

    private static String iso(Instant i) {
        return DateTimeFormatter.ISO_INSTANT.format(i);
    }
}
