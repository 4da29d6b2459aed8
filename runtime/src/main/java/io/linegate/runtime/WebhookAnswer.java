package io.linegate.runtime;

import io.linegate.core.Json;
import java.util.Map;

/**
 * Every answer of the webhook front, whichever server hosts it: the status, and the message of
 * LINE's error shape ({@code {"message": ...}}; {@code {}} for the {@code 200}). linegate serve and
 * the Spring Boot starter answer each case with the same constant.
 *
 * @param status  the HTTP status
 * @param message what the body says; null for the {@code 200}
 */
public record WebhookAnswer(int status, String message) {
    /** The body is durable: LINE takes the webhook as delivered. */
    public static final WebhookAnswer ACCEPTED = new WebhookAnswer(200, null);
    public static final WebhookAnswer METHOD_NOT_ALLOWED = new WebhookAnswer(405, "Use POST");
    public static final WebhookAnswer MISSING_SIGNATURE = new WebhookAnswer(401, "Missing x-line-signature header");
    public static final WebhookAnswer MALFORMED_SIGNATURE = new WebhookAnswer(401, "Malformed x-line-signature header");
    public static final WebhookAnswer INVALID_SIGNATURE = new WebhookAnswer(401, "Invalid signature");
    public static final WebhookAnswer UNREADABLE = new WebhookAnswer(400, "The request body could not be read");
    public static final WebhookAnswer TOO_SLOW = new WebhookAnswer(408, "The request body did not arrive within the request timeout");
    public static final WebhookAnswer TOO_LARGE = new WebhookAnswer(413, "The request body is larger than the limit");
    /** The budget of request bodies in memory is spent (sent with {@code Retry-After: 1}). */
    public static final WebhookAnswer BUSY = new WebhookAnswer(503, "The server is busy; try again later");
    /** The store did not take the body within the acknowledgement deadline, or is behind. */
    public static final WebhookAnswer OVERLOADED = new WebhookAnswer(503, "The bot server is overloaded; try again later");
    /** The store failed: not taken as received, so that LINE redelivers where redelivery is on. */
    public static final WebhookAnswer NOT_STORED = new WebhookAnswer(503, "The webhook could not be stored");
    /** The store cannot write now (full, read-only, I/O errors): refused before the body is read, until a write succeeds. */
    public static final WebhookAnswer CANNOT_STORE = new WebhookAnswer(503, "The bot server cannot store webhooks now; try again later");
    /** Not ready yet (warming up). */
    public static final WebhookAnswer STARTING = new WebhookAnswer(503, "The bot server is starting; try again later");
    public static final WebhookAnswer STOPPING = new WebhookAnswer(503, "The bot server is stopping; try again later");

    /** The body in LINE's shape. */
    public String json() {
        if (message == null) {
            return "{}";
        }
        try {
            return Json.mapper().writeValueAsString(Map.of("message", message));
        } catch (Exception e) {
            return "{\"message\":\"error\"}";
        }
    }
}
