package io.linegate.test;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** A group chat with the bot in it, played through the emulator. */
public final class TestGroup {
    private final BotTester tester;
    private final String groupId;

    TestGroup(BotTester tester, String groupId) {
        this.tester = tester;
        this.groupId = groupId;
    }

    public String groupId() {
        return groupId;
    }

    /** {@code member} sends a text message to the group. */
    public SentEvent says(TestUser member, String text) {
        JsonNode summary = tester.control().post("/groups/" + ControlClient.segment(groupId) + "/messages",
                ControlClient.object().put("userId", member.userId()).put("type", "text").put("text", text));
        return new SentEvent(tester, summary.path("webhookEventId").asText(), summary.path("messageId").asText(null));
    }

    /** Every message the bot has sent to the group so far, oldest first. */
    public List<Received> received() {
        List<Received> out = new ArrayList<>();
        for (JsonNode m : tester.control().get("/groups/" + ControlClient.segment(groupId) + "/inbox").path("messages")) {
            out.add(new Received(m.path("via").asText(), m.path("requestId").asText(null), m.path("message")));
        }
        return out;
    }

    @Override
    public String toString() {
        return "group " + groupId;
    }
}
