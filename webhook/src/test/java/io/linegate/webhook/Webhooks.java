package io.linegate.webhook;

import io.linegate.core.Ulid;
import java.nio.charset.StandardCharsets;

/** Webhook documents as the LINE Platform sends them, for tests. */
public final class Webhooks {
    public static final String BOT = "U0123456789abcdef0123456789abcdef";

    private Webhooks() {}

    public static String user(int n) {
        return String.format("U%032x", n);
    }

    public static byte[] body(String... events) {
        return ("{\"destination\":\"" + BOT + "\",\"events\":[" + String.join(",", events) + "]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    public static String text(String userId, String text) {
        return text(userId, Ulid.next(), text, false);
    }

    public static String text(String userId, String eventId, String text, boolean redelivery) {
        return "{\"type\":\"message\",\"message\":{\"type\":\"text\",\"id\":\"" + System.nanoTime()
                + "\",\"quoteToken\":\"q\",\"text\":\"" + text + "\"},\"webhookEventId\":\"" + eventId
                + "\",\"deliveryContext\":{\"isRedelivery\":" + redelivery + "},\"timestamp\":" + System.currentTimeMillis()
                + ",\"source\":{\"type\":\"user\",\"userId\":\"" + userId + "\"},\"replyToken\":\"rt-" + eventId
                + "\",\"mode\":\"active\"}";
    }

    public static String follow(String userId) {
        return "{\"type\":\"follow\",\"follow\":{\"isUnblocked\":false},\"webhookEventId\":\"" + Ulid.next()
                + "\",\"deliveryContext\":{\"isRedelivery\":false},\"timestamp\":" + System.currentTimeMillis()
                + ",\"source\":{\"type\":\"user\",\"userId\":\"" + userId + "\"},\"replyToken\":\"rt-f\",\"mode\":\"active\"}";
    }

    public static String groupText(String groupId, String userId, String text) {
        return "{\"type\":\"message\",\"message\":{\"type\":\"text\",\"id\":\"1\",\"quoteToken\":\"q\",\"text\":\"" + text
                + "\"},\"webhookEventId\":\"" + Ulid.next() + "\",\"deliveryContext\":{\"isRedelivery\":false},"
                + "\"timestamp\":1,\"source\":{\"type\":\"group\",\"groupId\":\"" + groupId + "\",\"userId\":\"" + userId
                + "\"},\"replyToken\":\"rt-g\",\"mode\":\"active\"}";
    }
}
