package io.linegate.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.bot.messaging.client.MessagingApiBlobClient;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.messaging.model.PushMessageRequest;
import com.linecorp.bot.messaging.model.ReplyMessageRequest;
import com.linecorp.bot.webhook.model.Event;
import io.linegate.store.Cluster;
import io.linegate.store.ConversationStates;
import io.linegate.store.EventJournal;
import io.linegate.store.EventJournal.StoredEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The context of one handler invocation. Delivery facts (reply token, mode, redelivery) are read
 * from the raw JSON, not the typed event, so they are right even for event types the SDK lacks.
 * As the {@link HandlerRun} the sending stack binds its client to, it counts the run's sends, to give
 * each its retry key, and keeps the ledger of replies earlier runs had accepted.
 */
final class DispatchedEvent implements EventContext, ConversationState, HandlerRun {
    private static final Logger log = LoggerFactory.getLogger(DispatchedEvent.class);

    private final StoredEvent stored;
    private final Event event;
    private final List<String> degraded;
    private final JsonNode raw;
    private final int attempt;
    private final ConversationStates states;
    private final Outbound outbound;
    private final Clock clock;
    private final SentLedger ledger;
    private final EventJournal journal;
    private final BooleanSupplier owned; // whether this node still holds the event's partition
    private final AtomicInteger sends = new AtomicInteger();
    private final ConversationKey key;
    private Map<String, String> loadedState;
    private final Map<String, String> changes = new LinkedHashMap<>();
    private volatile MessagingApiClient api;

    DispatchedEvent(StoredEvent stored, JsonNode raw, Event event, List<String> degraded, int attempt,
                    ConversationStates states, Outbound outbound, Clock clock, SentLedger ledger, EventJournal journal,
                    BooleanSupplier owned) {
        this.owned = owned;
        this.stored = stored;
        this.raw = raw;
        this.event = event;
        this.degraded = degraded;
        this.attempt = attempt;
        this.states = states;
        this.outbound = outbound;
        this.clock = clock;
        this.ledger = ledger;
        this.journal = journal;
        this.key = ConversationKey.parse(stored.lane());
    }

    @Override public Event event() { return event; }
    @Override public String eventId() { return stored.eventId(); }
    @Override public Instant receivedAt() { return stored.receivedAt(); }
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
        await(api().replyMessage(new ReplyMessageRequest.Builder(token, messages).build()));
    }

    @Override
    public void push(List<Message> messages) throws Exception {
        checkSendingAllowed();
        String to = conversation().orElseThrow(() -> new NotRetryableException(
                "event " + stored.eventId() + " has no source to push to"));
        await(api().pushMessage(null, new PushMessageRequest.Builder(to, messages).build()));
    }

    @Override
    public MessagingApiClient api() {
        MessagingApiClient a = api;
        if (a == null) {
            a = outbound.api(this);
            api = a;
        }
        return a;
    }

    @Override
    public MessagingApiBlobClient blob() {
        return outbound.blob();
    }

    @Override
    public String issueLinkToken() throws Exception {
        String user = raw.path("source").path("userId").asText("");
        if (user.isEmpty()) {
            throw new NotRetryableException("event " + stored.eventId() + " has no user to issue a link token for");
        }
        return await(api().issueLinkToken(user)).body().linkToken();
    }

    /** The outcome of a send, or the exception it failed with (a {@code LineApiException} by status). */
    private static <T> T await(CompletableFuture<T> send) throws Exception {
        try {
            return send.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    // ---- HandlerRun: the run's sends ------------------------------------------------------------

    @Override
    public int nextSend() {
        return sends.getAndIncrement();
    }

    @Override
    public UUID retryKey(int position, String kind, String recipient) {
        return RetryKeys.derive(stored.eventId(), position, kind, recipient);
    }

    @Override
    public Optional<AcceptedReply> earlierReply(int position) {
        AcceptedReply earlier = ledger.reply(position);
        if (earlier != null) {
            log.info("event {}: the reply at send {} was accepted by an earlier run; not sent again", stored.eventId(), position);
        }
        return Optional.ofNullable(earlier);
    }

    /**
     * Records an accepted reply, in memory for this process's retries and durably in the store for a
     * run after a crash or on another node, before the handler goes on: once a reply returns, no later
     * run of the handler replies there again.
     */
    @Override
    public void recordReply(int position, String requestId, JsonNode sentMessages) {
        String all = ledger.recordReply(position, requestId, sentMessages);
        try {
            journal.recordSent(stored.seq(), all).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // The reply went out; failing the handler now would only make it retry. Only a crash before the
            // next store write could make a later run reply again, which LINE refuses (the token is used).
            log.warn("could not record the accepted reply of event {}; a run after a crash would try to reply again",
                    stored.eventId(), e);
        }
    }

    /** The group, room or user the event came from (its key, worked out when the body was split); empty without a source. */
    @Override
    public Optional<String> conversation() {
        return key.recipient();
    }

    @Override
    public void checkSendingAllowed() {
        if (!owned.getAsBoolean()) {
            // This node's lease on the event's partition ran out (a long pause, a partition from the database):
            // another node may be handling the event now, so nothing more of this run reaches LINE.
            throw new Cluster.LeaseLostException("event " + stored.eventId() + " belongs to partition " + stored.partition()
                    + ", which this node no longer holds: the send was not made");
        }
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
