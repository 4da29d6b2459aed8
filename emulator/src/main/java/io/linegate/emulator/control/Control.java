package io.linegate.emulator.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpStatus;
import io.linegate.core.Json;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.domain.ApiException.Detail;
import io.linegate.emulator.domain.Channel;
import io.linegate.emulator.domain.Conversation;
import io.linegate.emulator.domain.Group;
import io.linegate.emulator.domain.Platform;
import io.linegate.emulator.domain.User;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.util.List;

/** What every part of the control API does alike: find the channel, user or group a call names, admit events, answer. */
final class Control {
    final Platform platform;

    Control(Platform platform) {
        this.platform = platform;
    }

    /** The channel of {@code ?channelId=}, else the default one. */
    Channel channel(Call c) {
        return platform.channel(c.query("channelId"));
    }

    User user(Call c) {
        User u = platform.state().users().get(c.path("userId"));
        if (u == null) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "User not found");
        }
        return u;
    }

    Group group(Call c) {
        Group g = platform.state().groups().get(c.path("groupId"));
        if (g == null) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "Group not found");
        }
        return g;
    }

    /**
     * An action that creates one webhook event: refused (503) before it changes anything when the
     * channel's webhook queue is full. (Raw events are admitted by their count.)
     */
    Router.Handler admitting(Router.Handler h) {
        return c -> {
            platform.admit(channel(c), 1);
            return h.handle(c);
        };
    }

    /** What the bot sent to a chat, oldest first. */
    Reply inbox(Call c, String chatId) {
        Conversation chat = channel(c).conversationIfPresent(chatId);
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode a = out.putArray("messages");
        if (chat != null) {
            for (Conversation.BotMessage e : chat.inbox()) {
                ObjectNode o = a.addObject();
                o.put("via", e.via());
                o.put("sentAt", Platform.iso(e.sentAt()));
                if (e.requestId() != null) {
                    o.put("requestId", e.requestId());
                }
                o.put("messageId", e.messageId());
                o.set("message", e.message());
            }
        }
        return Reply.ok(out);
    }

    /** The body's {@code userId}, a member of the group. */
    static String member(Group g, JsonNode b) {
        String userId = b.path("userId").asText("");
        if (!g.members().contains(userId)) {
            throw ApiException.invalid(List.of(new Detail("Not a member of the group", "userId")));
        }
        return userId;
    }

    /** The body, or {} when there is none. */
    static JsonNode body(Call c) {
        return c.body().length == 0 ? Json.mapper().createObjectNode() : c.jsonObject();
    }

    /** What the control API answers for an action: the event's id, the message's id, the reply token. */
    static ObjectNode eventSummary(ObjectNode e, String messageId) {
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("webhookEventId", e.path("webhookEventId").asText());
        if (messageId != null) {
            out.put("messageId", messageId);
        }
        if (e.hasNonNull("replyToken")) {
            out.put("replyToken", e.get("replyToken").asText());
        }
        return out;
    }

    static long integer(JsonNode n, long otherwise) {
        return n.isIntegralNumber() && n.canConvertToLong() ? n.asLong() : otherwise;
    }

    static String text(JsonNode b, String field) {
        return b.hasNonNull(field) ? b.get(field).asText() : null;
    }
}
