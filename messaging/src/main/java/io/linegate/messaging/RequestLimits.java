package io.linegate.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.bot.jackson.ModelObjectMapper;
import io.linegate.messaging.RequestLimitException.Violation;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LINE's request limits (Messaging API reference, "Message objects" and the sending endpoints' request bodies; Messaging API reference, "Text message" (LINE emoji) and "Sticker message"), checked on the JSON that would be sent, so that a
 * request that would fail is refused before it is sent and before it uses a retry key or a rate-limit
 * token: at most 5 messages; at most 500 multicast recipients; text and textV2 at most 5,000 UTF-16
 * code units; at most 20 LINE emojis, each {@code index} on a {@code $}; textV2 placeholders paired
 * and substituted, at most 100 substitutions, 20 mentions and 20 emojis; at most 13 quick-reply items;
 * image, video and audio URLs on https; the whole body at most 2 MB.
 */
public final class RequestLimits {
    public static final int MAX_MESSAGES = 5;
    public static final int MAX_MULTICAST_RECIPIENTS = 500;
    public static final int MAX_TEXT_UTF16 = 5_000;
    public static final int MAX_EMOJIS = 20;
    public static final int MAX_QUICK_REPLY_ITEMS = 13;
    public static final int MAX_SUBSTITUTIONS = 100;
    public static final int MAX_MENTIONS = 20;
    public static final int MAX_BODY_BYTES = 2 * 1024 * 1024;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{|\\}\\}|\\{([^{}]*)\\}|[{}]");
    private static final Pattern SUBSTITUTION_KEY = Pattern.compile("^[0-9a-zA-Z_]{1,20}$");
    private static final Map<String, List<String>> MEDIA_URLS = Map.of(
            "image", List.of("originalContentUrl", "previewImageUrl"),
            "video", List.of("originalContentUrl", "previewImageUrl"),
            "audio", List.of("originalContentUrl"));

    private static final ObjectMapper MAPPER = ModelObjectMapper.createNewObjectMapper();

    private RequestLimits() {}

    /**
     * Serializes a send request (push, reply, multicast, broadcast or narrowcast, as the SDK models
     * them) and checks it; returns the body that was checked.
     *
     * @throws RequestLimitException naming every property that breaks a limit
     */
    public static byte[] check(Object request) {
        byte[] body;
        try {
            body = MAPPER.writeValueAsBytes(request);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the request cannot be serialized: " + e.getOriginalMessage(), e);
        }
        List<Violation> v = violations(MAPPER.valueToTree(request), body.length);
        if (!v.isEmpty()) {
            throw new RequestLimitException(v);
        }
        return body;
    }

    static List<Violation> violations(JsonNode body, int bodyBytes) {
        List<Violation> out = new ArrayList<>();
        if (bodyBytes > MAX_BODY_BYTES) {
            out.add(new Violation("", "the request body is " + bodyBytes + " bytes; the limit is 2 MB"));
        }
        JsonNode to = body.path("to");
        if (to.isArray() && to.size() > MAX_MULTICAST_RECIPIENTS) {
            out.add(new Violation("to", "at most " + MAX_MULTICAST_RECIPIENTS + " recipients, got " + to.size()));
        }
        JsonNode messages = body.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            out.add(new Violation("messages", "at least one message is required"));
            return out;
        }
        if (messages.size() > MAX_MESSAGES) {
            out.add(new Violation("messages", "at most " + MAX_MESSAGES + " messages, got " + messages.size()));
        }
        for (int i = 0; i < messages.size(); i++) {
            checkMessage(messages.get(i), "messages[" + i + "]", out);
        }
        return out;
    }

    private static void checkMessage(JsonNode m, String path, List<Violation> out) {
        String type = m.path("type").asText("");
        if (type.equals("text")) {
            checkText(m, path, out);
        } else if (type.equals("textV2")) {
            checkTextV2(m, path, out);
        }
        for (String field : MEDIA_URLS.getOrDefault(type, List.of())) {
            String url = m.path(field).asText(null);
            if (url != null && !isHttps(url)) {
                out.add(new Violation(path + "." + field, "must be an https URL"));
            }
        }
        JsonNode items = m.path("quickReply").path("items");
        if (items.isArray() && items.size() > MAX_QUICK_REPLY_ITEMS) {
            out.add(new Violation(path + ".quickReply.items", "at most " + MAX_QUICK_REPLY_ITEMS + " items, got " + items.size()));
        }
    }

    private static void checkText(JsonNode m, String path, List<Violation> out) {
        String text = m.path("text").asText("");
        checkLength(text, path, out);
        JsonNode emojis = m.path("emojis");
        if (!emojis.isArray()) {
            return;
        }
        if (emojis.size() > MAX_EMOJIS) {
            out.add(new Violation(path + ".emojis", "at most " + MAX_EMOJIS + " emojis, got " + emojis.size()));
        }
        for (int j = 0; j < emojis.size(); j++) {
            JsonNode index = emojis.get(j).path("index");
            int at = index.asInt(-1);
            if (!index.isIntegralNumber() || at < 0 || at >= text.length() || text.charAt(at) != '$') {
                out.add(new Violation(path + ".emojis[" + j + "].index", "must point at a $ in the text"));
            }
        }
    }

    private static void checkTextV2(JsonNode m, String path, List<Violation> out) {
        String text = m.path("text").asText("");
        checkLength(text, path, out);
        JsonNode substitution = m.path("substitution");
        int mentions = 0;
        int emojis = 0;
        if (substitution.isObject()) {
            if (substitution.size() > MAX_SUBSTITUTIONS) {
                out.add(new Violation(path + ".substitution", "at most " + MAX_SUBSTITUTIONS + " entries"));
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = substitution.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!SUBSTITUTION_KEY.matcher(e.getKey()).matches()) {
                    out.add(new Violation(path + ".substitution." + e.getKey(), "keys are 1 to 20 of [0-9a-zA-Z_]"));
                }
                String kind = e.getValue().path("type").asText("");
                mentions += kind.equals("mention") ? 1 : 0;
                emojis += kind.equals("emoji") ? 1 : 0;
            }
        }
        if (mentions > MAX_MENTIONS) {
            out.add(new Violation(path + ".substitution", "at most " + MAX_MENTIONS + " mentions, got " + mentions));
        }
        if (emojis > MAX_EMOJIS) {
            out.add(new Violation(path + ".substitution", "at most " + MAX_EMOJIS + " emojis, got " + emojis));
        }
        Matcher p = PLACEHOLDER.matcher(text);
        while (p.find()) {
            String token = p.group();
            if (token.equals("{{") || token.equals("}}")) {
                continue; // escaped brace
            }
            if (p.group(1) == null) {
                out.add(new Violation(path + ".text", "unpaired brace at " + p.start() + " (write {{ or }} for a literal one)"));
            } else if (!substitution.has(p.group(1))) {
                out.add(new Violation(path + ".text", "placeholder {" + p.group(1) + "} has no substitution"));
            }
        }
    }

    private static void checkLength(String text, String path, List<Violation> out) {
        if (text.isEmpty()) {
            out.add(new Violation(path + ".text", "must not be empty"));
        } else if (text.length() > MAX_TEXT_UTF16) { // String.length() counts UTF-16 code units, as LINE does
            out.add(new Violation(path + ".text", "at most " + MAX_TEXT_UTF16 + " UTF-16 code units, got " + text.length()));
        }
    }

    private static boolean isHttps(String url) {
        try {
            URI u = URI.create(url);
            return "https".equalsIgnoreCase(u.getScheme()) && u.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
