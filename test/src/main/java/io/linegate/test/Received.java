package io.linegate.test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.bot.jackson.ModelObjectMapper;
import com.linecorp.bot.messaging.model.Message;

/**
 * A message the bot sent that reached a test user, as the emulator delivered it.
 *
 * @param via       how: {@code reply}, {@code push}, {@code multicast}, {@code broadcast} or {@code narrowcast}
 * @param requestId the {@code x-line-request-id} of the request that sent it
 * @param json      the message object as sent
 */
public record Received(String via, String requestId, JsonNode json) {
    private static final ObjectMapper SDK = ModelObjectMapper.createNewObjectMapper();

    /** The message's {@code type}: {@code text}, {@code sticker}, {@code flex}... */
    public String type() {
        return json.path("type").asText();
    }

    /** The text of a text message (or a template's alt text); null for other messages. */
    public String text() {
        if (json.hasNonNull("text")) {
            return json.get("text").asText();
        }
        return json.hasNonNull("altText") ? json.get("altText").asText() : null;
    }

    /** The message as the official SDK models it. */
    public Message message() {
        try {
            return SDK.treeToValue(json, Message.class);
        } catch (Exception e) {
            throw new IllegalStateException("the SDK cannot read the message " + json + ": " + e.getMessage(), e);
        }
    }

    /** {@code via: text}, {@code via: sticker 446/1988}, or {@code via: type}: for readable assertion failures. */
    @Override
    public String toString() {
        String what = text() != null ? text()
                : "sticker".equals(type()) ? "sticker " + json.path("packageId").asText() + "/" + json.path("stickerId").asText()
                : type();
        return via + ": " + what;
    }
}
