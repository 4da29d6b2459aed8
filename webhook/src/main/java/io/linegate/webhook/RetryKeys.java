package io.linegate.webhook;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * The {@code X-Line-Retry-Key} of a send made while handling an event: a name-based UUID (version 5,
 * RFC 9562) of the event's {@code webhookEventId}, the send's position among the sends of the handler
 * run, the kind of send and its recipient. A retried run, a redelivery or a replay that makes the
 * same sends in the same order gets the same keys, so LINE answers 409 instead of sending again
 * (Messaging API docs, "Retrying a failed API request").
 */
final class RetryKeys {
    /** linegate's namespace for retry keys (a fixed random UUID). */
    private static final UUID NAMESPACE = UUID.fromString("5b0e8e4c-8a7d-4f7e-9d51-3c1f0a6b2e94");

    private RetryKeys() {}

    static UUID derive(String eventId, int position, String kind, String recipient) {
        String name = eventId + "\n" + position + "\n" + kind + "\n" + (recipient == null ? "" : recipient);
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(ByteBuffer.allocate(16).putLong(NAMESPACE.getMostSignificantBits())
                    .putLong(NAMESPACE.getLeastSignificantBits()).array());
            byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
            hash[6] = (byte) ((hash[6] & 0x0f) | 0x50); // version 5
            hash[8] = (byte) ((hash[8] & 0x3f) | 0x80); // IETF variant
            ByteBuffer b = ByteBuffer.wrap(hash, 0, 16);
            return new UUID(b.getLong(), b.getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java platform", e);
        }
    }
}
