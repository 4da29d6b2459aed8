package io.linegate.emulator.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpStatus;
import io.linegate.core.Json;
import io.linegate.emulator.domain.ApiException.Detail;
import java.util.Base64;
import java.util.List;

/**
 * What a user does in a chat with a bot, in a one-to-one chat or as a member of a group or room,
 * turned into the webhook event LINE sends: a message (with its content, for media), a postback,
 * an unsend. One implementation for every way a user is played (the control API, the chat page
 * through it).
 */
public final class UserActions {
    private final Platform platform;

    public UserActions(Platform platform) {
        this.platform = platform;
    }

    /**
     * A message as a user sends it ({@code {"type":"text","text"...}}, a sticker, media with
     * {@code contentBase64}, a location) from {@code userId} in the one-to-one chat or, with
     * {@code group}, in the group; {@code content} is the media's bytes when they came as they are
     * (then {@code message} says only the type and the details). Returns the event.
     */
    public ObjectNode message(Channel ch, String userId, Group group, JsonNode message, byte[] content) {
        if (group == null && ch.relation(userId) == Relation.BLOCKED) {
            throw ApiException.badRequest("The user has blocked the bot");
        }
        if (group != null && !group.members().contains(userId)) {
            throw ApiException.invalid(List.of(new Detail("Not a member of the group", "userId")));
        }
        String messageId = Ids.messageId();
        ObjectNode m = Json.mapper().createObjectNode();
        String type = message.path("type").asText("");
        m.put("id", messageId);
        m.put("type", type);
        switch (type) {
            case "text" -> {
                String text = message.path("text").asText("");
                if (text.isEmpty()) {
                    throw ApiException.invalid(List.of(new Detail("May not be empty", "text")));
                }
                m.put("quoteToken", Ids.alnum(40, false));
                m.put("text", text);
                copy(message, m, "emojis", "mention", "quotedMessageId");
            }
            case "sticker" -> {
                m.put("quoteToken", Ids.alnum(40, false));
                m.put("packageId", message.path("packageId").asText("446"));
                m.put("stickerId", message.path("stickerId").asText("1988"));
                m.put("stickerResourceType", message.path("stickerResourceType").asText("STATIC"));
                copy(message, m, "keywords", "text", "quotedMessageId");
            }
            case "image", "video", "audio", "file" -> media(message, m, type, messageId, content);
            case "location" -> {
                if (!message.path("latitude").isNumber() || !message.path("longitude").isNumber()) {
                    throw ApiException.invalid(List.of(new Detail("May not be empty", "latitude/longitude")));
                }
                copy(message, m, "title", "address", "latitude", "longitude");
            }
            default -> throw ApiException.invalid(List.of(new Detail(
                    "Must be one of the following values: [text, sticker, image, video, audio, file, location]", "type")));
        }
        String chatId = group == null ? userId : group.id();
        m.put("markAsReadToken", platform.newMarkAsReadToken());
        platform.state().userMessages().put(messageId, userId);
        ObjectNode e = platform.event("message", source(userId, group));
        e.set("message", m);
        copyMode(message, e);
        platform.emit(ch, List.of(e));
        platform.autoReply(ch, chatId);
        return e;
    }

    /** Media: its content goes to the content store, where the bot downloads it with Get content. */
    private void media(JsonNode message, ObjectNode m, String type, String messageId, byte[] raw) {
        byte[] content = raw;
        if (content == null) {
            try {
                content = Base64.getDecoder().decode(message.path("contentBase64").asText(""));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(List.of(new Detail("Must be Base64", "contentBase64")));
            }
        }
        String ct = message.path("contentType").asText(switch (type) {
            case "image" -> "image/jpeg";
            case "video" -> "video/mp4";
            case "audio" -> "audio/x-m4a";
            default -> "application/octet-stream";
        });
        platform.state().content().put(messageId, content, ct);
        if (!type.equals("file")) {
            m.putObject("contentProvider").put("type", "line");
        }
        if (type.equals("image") || type.equals("video")) {
            m.put("quoteToken", Ids.alnum(40, false));
        }
        if (type.equals("video") || type.equals("audio")) {
            m.put("duration", message.path("duration").asLong(1000));
        }
        if (type.equals("file")) {
            m.put("fileName", message.path("fileName").asText("file.bin"));
            m.put("fileSize", content.length);
        }
    }

    /**
     * A postback (a postback action, a datetime picker's answer in {@code params}) from
     * {@code userId}. {@code displayText} is what the chat shows for it; it is not sent to the bot
     * (the event carries the postback only). {@code request} may hold {@code "mode":"standby"}.
     */
    public ObjectNode postback(Channel ch, String userId, Group group, JsonNode request) {
        if (!request.hasNonNull("data")) {
            throw ApiException.invalid(List.of(new Detail("May not be empty", "data")));
        }
        if (request.has("params") && !request.get("params").isObject()) {
            throw ApiException.invalid(List.of(new Detail("Must be an object", "params")));
        }
        ObjectNode e = platform.event("postback", source(userId, group));
        ObjectNode p = e.putObject("postback");
        p.put("data", request.get("data").asText());
        if (request.has("params")) {
            p.set("params", request.get("params"));
        }
        copyMode(request, e);
        String displayText = request.hasNonNull("displayText") ? request.get("displayText").asText() : null;
        platform.emit(ch, List.of(e), displayText);
        return e;
    }

    /** {@code userId} unsends one of their own messages: its content is gone (410), the bot hears of it. */
    public ObjectNode unsend(Channel ch, String userId, Group group, String messageId) {
        if (!userId.equals(platform.state().userMessages().get(messageId))) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "Message not found");
        }
        platform.state().content().markUnsent(messageId);
        ObjectNode e = platform.event("unsend", source(userId, group));
        e.putObject("unsend").put("messageId", messageId);
        platform.emit(ch, List.of(e));
        return e;
    }

    private static ObjectNode source(String userId, Group group) {
        return group == null ? Platform.userSource(userId) : Platform.chatSource(group, userId);
    }

    private static void copy(JsonNode from, ObjectNode to, String... fields) {
        for (String f : fields) {
            if (from.has(f) && !from.get(f).isNull()) {
                to.set(f, from.get(f));
            }
        }
    }

    /** Lets a test send an event in standby mode (no reply token). */
    private static void copyMode(JsonNode from, ObjectNode e) {
        if ("standby".equals(from.path("mode").asText())) {
            e.put("mode", "standby");
        }
    }
}
