package io.linegate.emulator.domain;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.emulator.domain.ApiException.Detail;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The limits of message objects that the OpenAPI spec does not encode (Messaging API reference, "Message objects" and the sending endpoints' request bodies) plus the
 * required fields of each type: 1 to 5 messages, text up to 5,000 UTF-16 code units, every emoji
 * {@code index} pointing at a {@code $}, at most 13 quick-reply items. Problems are reported all at
 * once in LINE's {@code details} shape.
 */
public final class MessageValidator {
    public static final int MAX_MESSAGES = 5;
    public static final int MAX_TEXT = 5000;
    public static final int MAX_EMOJIS = 20;
    public static final int MAX_QUICK_REPLY = 13;
    private static final Set<String> TYPES = Set.of("text", "textV2", "image", "video", "audio", "location", "sticker",
            "template", "imagemap", "flex", "coupon");
    private static final String TYPE_LIST = "[text, textV2, image, video, audio, location, sticker, template, imagemap, flex, coupon]";

    private MessageValidator() {}

    /** Validates {@code body.messages}; throws 400 with details if anything is wrong. */
    public static JsonNode messages(JsonNode body) {
        List<Detail> d = new ArrayList<>();
        JsonNode messages = body.get("messages");
        check(messages, d);
        if (!d.isEmpty()) {
            throw ApiException.invalid(d);
        }
        return messages;
    }

    public static void check(JsonNode messages, List<Detail> d) {
        if (messages == null || messages.isNull()) {
            d.add(new Detail("May not be empty", "messages"));
            return;
        }
        if (!messages.isArray()) {
            throw ApiException.invalidProperty("messages");
        }
        if (messages.isEmpty() || messages.size() > MAX_MESSAGES) {
            d.add(new Detail("Size must be between 1 and " + MAX_MESSAGES, "messages"));
            return;
        }
        for (int i = 0; i < messages.size(); i++) {
            message(messages.get(i), "messages[" + i + "]", d);
        }
    }

    private static void message(JsonNode m, String at, List<Detail> d) {
        if (!m.isObject()) {
            throw ApiException.invalidProperty(at);
        }
        String type = m.path("type").asText("");
        if (!TYPES.contains(type)) {
            d.add(new Detail("Must be one of the following values: " + TYPE_LIST, at + ".type"));
            return;
        }
        switch (type) {
            case "text" -> text(m, at, d);
            case "textV2" -> {
                required(m, "text", at, d);
                length(m, "text", MAX_TEXT, at, d);
            }
            case "sticker" -> {
                required(m, "packageId", at, d);
                required(m, "stickerId", at, d);
            }
            case "image" -> {
                url(m, "originalContentUrl", at, d);
                url(m, "previewImageUrl", at, d);
            }
            case "video" -> {
                url(m, "originalContentUrl", at, d);
                url(m, "previewImageUrl", at, d);
                length(m, "trackingId", 100, at, d);
            }
            case "audio" -> {
                url(m, "originalContentUrl", at, d);
                if (!m.path("duration").isNumber()) {
                    d.add(new Detail("May not be empty", at + ".duration"));
                }
            }
            case "location" -> {
                required(m, "title", at, d);
                required(m, "address", at, d);
                length(m, "title", 100, at, d);
                length(m, "address", 100, at, d);
                if (!m.path("latitude").isNumber()) {
                    d.add(new Detail("May not be empty", at + ".latitude"));
                }
                if (!m.path("longitude").isNumber()) {
                    d.add(new Detail("May not be empty", at + ".longitude"));
                }
            }
            case "imagemap" -> {
                url(m, "baseUrl", at, d);
                required(m, "altText", at, d);
                length(m, "altText", 400, at, d);
                if (!m.path("baseSize").isObject()) {
                    d.add(new Detail("May not be empty", at + ".baseSize"));
                }
                if (!m.path("actions").isArray()) {
                    d.add(new Detail("May not be empty", at + ".actions"));
                }
            }
            case "template" -> {
                required(m, "altText", at, d);
                length(m, "altText", 400, at, d);
                if (!m.path("template").isObject()) {
                    d.add(new Detail("May not be empty", at + ".template"));
                }
            }
            case "flex" -> {
                required(m, "altText", at, d);
                length(m, "altText", 400, at, d);
                if (!m.path("contents").isObject()) {
                    d.add(new Detail("May not be empty", at + ".contents"));
                }
            }
            case "coupon" -> required(m, "couponId", at, d);
            default -> { }
        }
        JsonNode items = m.path("quickReply").path("items");
        if (items.isArray() && items.size() > MAX_QUICK_REPLY) {
            d.add(new Detail("Size must be between 1 and " + MAX_QUICK_REPLY, at + ".quickReply.items"));
        }
        JsonNode sender = m.path("sender");
        if (sender.isObject()) {
            length(sender, "name", 20, at + ".sender", d);
            length(sender, "iconUrl", 2000, at + ".sender", d);
        }
    }

    private static void text(JsonNode m, String at, List<Detail> d) {
        if (!required(m, "text", at, d)) {
            return;
        }
        String text = m.get("text").asText();
        if (text.length() > MAX_TEXT) { // String.length() counts UTF-16 code units, as LINE does
            d.add(new Detail("Length must be between 0 and " + MAX_TEXT, at + ".text"));
        }
        JsonNode emojis = m.get("emojis");
        if (emojis != null && emojis.isArray()) {
            if (emojis.size() > MAX_EMOJIS) {
                d.add(new Detail("Size must be between 0 and " + MAX_EMOJIS, at + ".emojis"));
            }
            for (int i = 0; i < emojis.size(); i++) {
                JsonNode e = emojis.get(i);
                String ep = at + ".emojis[" + i + "]";
                JsonNode index = e.get("index");
                if (index == null || !index.canConvertToInt()) {
                    d.add(new Detail("May not be empty", ep + ".index"));
                } else {
                    int idx = index.asInt();
                    if (idx < 0 || idx >= text.length() || text.charAt(idx) != '$') {
                        d.add(new Detail("The index must point at a '$' in the text", ep + ".index"));
                    }
                }
                if (!e.hasNonNull("productId")) {
                    d.add(new Detail("May not be empty", ep + ".productId"));
                }
                if (!e.hasNonNull("emojiId")) {
                    d.add(new Detail("May not be empty", ep + ".emojiId"));
                }
            }
        }
    }

    private static boolean required(JsonNode m, String field, String at, List<Detail> d) {
        JsonNode v = m.get(field);
        if (v == null || v.isNull() || (v.isTextual() && v.asText().isEmpty())) {
            d.add(new Detail("May not be empty", at + "." + field));
            return false;
        }
        return true;
    }

    private static void length(JsonNode m, String field, int max, String at, List<Detail> d) {
        JsonNode v = m.get(field);
        if (v != null && v.isTextual() && v.asText().length() > max) {
            d.add(new Detail("Length must be between 0 and " + max, at + "." + field));
        }
    }

    /** Content URLs must be HTTPS and at most 2000 characters (§2.3). */
    private static void url(JsonNode m, String field, String at, List<Detail> d) {
        if (!required(m, field, at, d)) {
            return;
        }
        String u = m.get(field).asText();
        if (!u.startsWith("https://")) {
            d.add(new Detail("Must be a valid HTTPS URL", at + "." + field));
        } else if (u.length() > 2000) {
            d.add(new Detail("Length must be between 0 and 2000", at + "." + field));
        }
    }
}
