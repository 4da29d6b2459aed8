package io.linegate.test;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** A LINE user played through the emulator: sends what a user sends, and sees what the bot sent them. */
public final class TestUser {
    private final BotTester tester;
    private final String userId;
    private final String displayName;

    TestUser(BotTester tester, String userId, String displayName) {
        this.tester = tester;
        this.userId = userId;
        this.displayName = displayName;
    }

    public String userId() {
        return userId;
    }

    public String displayName() {
        return displayName;
    }

    /** Adds the bot as a friend (a {@code follow} event). */
    public SentEvent follow() {
        return event(tester.control().post(path("/follow"), null));
    }

    /** Blocks the bot (an {@code unfollow} event). */
    public SentEvent block() {
        return event(tester.control().post(path("/block"), null));
    }

    /** Unblocks the bot (a {@code follow} event with {@code isUnblocked}). */
    public SentEvent unblock() {
        return event(tester.control().post(path("/unblock"), null));
    }

    /** Sends a text message. */
    public SentEvent says(String text) {
        return event(tester.control().post(path("/messages"), ControlClient.object().put("type", "text").put("text", text)));
    }

    /** Sends a sticker. */
    public SentEvent sendsSticker(String packageId, String stickerId) {
        return event(tester.control().post(path("/messages"), ControlClient.object().put("type", "sticker")
                .put("packageId", packageId).put("stickerId", stickerId)));
    }

    /** Sends an image (its content is then downloadable through the bot's {@code blob()}). */
    public SentEvent sendsImage(byte[] jpeg) {
        return event(tester.control().post(path("/messages"), ControlClient.object().put("type", "image")
                .put("contentBase64", java.util.Base64.getEncoder().encodeToString(jpeg)).put("contentType", "image/jpeg")));
    }

    /** Taps a postback action with {@code data} (a button, a quick reply, a rich menu area). */
    public SentEvent postback(String data) {
        return event(tester.control().post(path("/postback"), ControlClient.object().put("data", data)));
    }

    /** Every message the bot has sent this user so far, oldest first. */
    public List<Received> received() {
        List<Received> out = new ArrayList<>();
        for (JsonNode m : tester.control().get(path("/inbox")).path("messages")) {
            out.add(new Received(m.path("via").asText(), m.path("requestId").asText(null), m.path("message")));
        }
        return out;
    }

    /** The texts of {@link #received()} (null for messages without text), oldest first. */
    public List<String> receivedTexts() {
        return received().stream().map(Received::text).toList();
    }

    /** Waits until the user has received at least {@code count} messages; fails the test after the tester's timeout. */
    public List<Received> awaitReceived(int count) {
        long deadline = System.nanoTime() + tester.timeout().toNanos();
        while (true) {
            List<Received> now = received();
            if (now.size() >= count) {
                return now;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(displayName + " received " + now.size() + " of " + count + " messages within "
                        + tester.timeout() + ": " + now);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    private String path(String action) {
        return "/users/" + ControlClient.segment(userId) + action;
    }

    private SentEvent event(JsonNode summary) {
        return new SentEvent(tester, summary.path("webhookEventId").asText(), summary.path("messageId").asText(null));
    }

    @Override
    public String toString() {
        return displayName + " (" + userId + ")";
    }

}
