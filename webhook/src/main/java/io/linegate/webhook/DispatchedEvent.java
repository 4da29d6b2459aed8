package io.linegate.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.webhook.model.Event;
import io.linegate.store.ConversationStates;
import io.linegate.store.EventJournal.StoredEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The context of one handler invocation. Delivery facts (reply token, mode, redelivery) are read
 * from the raw JSON, not the typed event, so they are right even for event types the SDK lacks.
 */
final class DispatchedEvent implements EventContext, ConversationState {
    private final StoredEvent stored;
    private final Event event;
    private final List<String> degraded;
    private final JsonNode raw;
    private final int attempt;
    private final ConversationStates states;
    private final Outbound outbound;
    private final Clock clock;
    private Map<String, String> loadedState;
    private final Map<String, String> changes = new LinkedHashMap<>();

    DispatchedEvent(StoredEvent stored, JsonNode raw, Event event, List<String> degraded, int attempt,
                    ConversationStates states, Outbound outbound, Clock clock) {
        this.stored = stored;
        this.raw = raw;
        this.event = event;
        this.degraded = degraded;
        this.attempt = attempt;
        this.states = states;
        this.outbound = outbound;
        this.clock = clock;
    }

    @Override public Event event() { return event; }
    @Override public List<String> degradedFields() { return degraded; }
    @Override public String rawJson() { return stored.payload(); }
    @Override public String sourceKey() { return stored.lane(); }
    @Override public String destination() { return stored.destination(); }
    @Override public int attempt() { return attempt; }
    @Override public ConversationState state() { return this; }

    @Override
    public Optional<String> replyToken() {
        String token = raw.path("replyToken").asText("");
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    @Override
    public Duration replyTokenAge() {
        return Duration.between(stored.receivedAt(), clock.instant());
    }

    @Override
    public boolean isRedelivery() {
        return raw.path("deliveryContext").path("isRedelivery").asBoolean(false);
    }

    @Override
    public boolean isStandby() {
        return "standby".equals(raw.path("mode").asText(""));
    }

    @Override
    public void reply(List<Message> messages) throws Exception {
        checkSendingAllowed();
        String token = replyToken().orElseThrow(() -> new NotRetryableException(
                "event " + stored.eventId() + " (" + raw.path("type").asText() + ") has no reply token"));
        outbound.reply(token, conversation(), messages);
    }

    @Override
    public void push(List<Message> messages) throws Exception {
        checkSendingAllowed();
        String to = conversation();
        if (to == null) {
            throw new NotRetryableException("event " + stored.eventId() + " has no source to push to");
        }
        outbound.push(to, messages);
    }

    @Override
    public String issueLinkToken() throws Exception {
        String user = raw.path("source").path("userId").asText("");
        if (user.isEmpty()) {
            throw new NotRetryableException("event " + stored.eventId() + " has no user to issue a link token for");
        }
        return outbound.issueLinkToken(user);
    }

    /** The group, room or user the event came from; null for events without a source. */
    private String conversation() {
        JsonNode source = raw.path("source");
        String to = source.path("groupId").asText(source.path("roomId").asText(source.path("userId").asText("")));
        return to.isEmpty() ? null : to;
    }

    private void checkSendingAllowed() {
        if (isStandby()) {
            throw new SendingDisabledException("event " + stored.eventId()
                    + " is in standby mode: another channel is in control of this chat, so sending is disabled");
        }
    }

    // ---- ConversationState: reads see own writes; writes commit with the done-mark ---------------

    @Override
    public Optional<String> get(String key) {
        if (changes.containsKey(key)) {
            return Optional.ofNullable(changes.get(key));
        }
        if (loadedState == null) {
            loadedState = states.state(stored.lane());
        }
        return Optional.ofNullable(loadedState.get(key));
    }

    @Override
    public void put(String key, String value) {
        if (key == null || value == null) {
            throw new IllegalArgumentException("state key and value must not be null (use remove)");
        }
        changes.put(key, value);
    }

    @Override
    public void remove(String key) {
        changes.put(key, null);
    }

    Map<String, String> stateChanges() {
        return changes;
    }
}
