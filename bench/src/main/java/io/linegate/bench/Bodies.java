package io.linegate.bench;

import java.nio.charset.StandardCharsets;

/**
 * Webhook bodies for the benchmarks: one text-message event of about 700 bytes each, a distinct
 * {@code webhookEventId} per body (so that dedupe never hides work) that encodes a number, so the
 * bots can count what they processed in a bit set instead of a map (the counting must not weigh on
 * the heap figure that is being measured).
 */
final class Bodies {
    static final String DESTINATION = "U0bench0000000000000000000000000";
    private static final String ID_PREFIX = "01BENCH";
    private static final String PAD;

    static {
        // Japanese-free ASCII padding: the event object comes to ~700 bytes.
        StringBuilder sb = new StringBuilder();
        String words = "linegate benchmark message payload ";
        while (sb.length() < 330) {
            sb.append(words);
        }
        PAD = sb.substring(0, 330);
    }

    private Bodies() {
    }

    /** The webhookEventId for number {@code n}: 26 characters, like LINE's. */
    static String eventId(long n) {
        return ID_PREFIX + String.format("%019d", n);
    }

    /** The number in a bench webhookEventId, or -1 for anything else. */
    static long number(String eventId) {
        if (eventId == null || eventId.length() != 26 || !eventId.startsWith(ID_PREFIX)) {
            return -1;
        }
        try {
            return Long.parseLong(eventId.substring(ID_PREFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A webhook without events, as the console's Verify button sends. */
    static byte[] verify() {
        return ("{\"destination\":\"" + DESTINATION + "\",\"events\":[]}").getBytes(StandardCharsets.UTF_8);
    }

    /** One webhook with one event, from user {@code n % users}. */
    static byte[] body(long n, int users) {
        return body(n, users, 0x5eedL);
    }

    /** One webhook with one event, from user {@code userBase + n % users}. */
    static byte[] body(long n, int users, long userBase) {
        long user = Math.floorMod(n, (long) users);
        String userId = String.format("U%032x", user + userBase);
        String replyToken = String.format("%032x", n * 2654435761L + 17);
        String json = "{\"destination\":\"" + DESTINATION + "\",\"events\":[{"
                + "\"type\":\"message\","
                + "\"message\":{\"type\":\"text\",\"id\":\"" + (468789577898262530L + n) + "\","
                + "\"quoteToken\":\"q3Plxr4AgKd" + String.format("%020d", n) + "\","
                + "\"text\":\"#" + n + " " + PAD + "\"},"
                + "\"webhookEventId\":\"" + eventId(n) + "\","
                + "\"deliveryContext\":{\"isRedelivery\":false},"
                + "\"timestamp\":" + (1732480000000L + n) + ","
                + "\"source\":{\"type\":\"user\",\"userId\":\"" + userId + "\"},"
                + "\"replyToken\":\"" + replyToken + "\","
                + "\"mode\":\"active\"}]}";
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
