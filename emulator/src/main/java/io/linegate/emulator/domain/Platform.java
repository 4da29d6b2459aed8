package io.linegate.emulator.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpStatus;
import io.linegate.core.Json;
import io.linegate.core.Ulid;
import io.linegate.emulator.EmulatorConfig;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The behaviour of the emulated platform shared by the Messaging API and the control API: turning
 * user actions into webhook events (with reply tokens) and delivering what a bot sends into chats.
 */
public final class Platform {
    /** Event types that carry a reply token in active mode (those a bot can answer). */
    private static final Set<String> REPLYABLE = Set.of("message", "follow", "join", "postback", "beacon",
            "accountLink", "memberJoined", "things", "videoPlayComplete", "activated", "deactivated",
            "botSuspended", "botResumed", "membership");
    private static final DateTimeFormatter ISO_MS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter JST_DATE = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneId.of("Asia/Tokyo"));

    private final EmulatorState state;
    private final TokenService tokens;
    private final WebhookDispatcher webhooks;
    private final EmulatorConfig config;
    private final Modules modules = new Modules();

    public Platform(EmulatorState state, TokenService tokens, WebhookDispatcher webhooks, EmulatorConfig config) {
        this.state = state;
        this.tokens = tokens;
        this.webhooks = webhooks;
        this.config = config;
    }

    public EmulatorState state() {
        return state;
    }

    public TokenService tokens() {
        return tokens;
    }

    public WebhookDispatcher webhooks() {
        return webhooks;
    }

    public EmulatorConfig config() {
        return config;
    }

    public Clock clock() {
        return state.clock();
    }

    /** The module channels and what they are attached to. */
    public Modules modules() {
        return modules;
    }

    /** The channel {@code channelId} names, the default one when it names none; 404 in LINE's shape if it is unknown. */
    public Channel channel(String channelId) {
        Channel ch = channelId == null || channelId.isEmpty() ? state.defaultChannel() : state.channel(channelId);
        if (ch == null) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "Channel not found");
        }
        return ch;
    }

    // ---- events -----------------------------------------------------------------------------

    public static ObjectNode userSource(String userId) {
        ObjectNode s = Json.mapper().createObjectNode();
        s.put("type", "user");
        s.put("userId", userId);
        return s;
    }

    public static ObjectNode chatSource(Group g, String userId) {
        ObjectNode s = Json.mapper().createObjectNode();
        s.put("type", g.sourceType());
        s.put(g.isRoom() ? "roomId" : "groupId", g.id());
        if (userId != null) {
            s.put("userId", userId);
        }
        return s;
    }

    public ObjectNode event(String type, ObjectNode source) {
        ObjectNode e = Json.mapper().createObjectNode();
        e.put("type", type);
        if (source != null) {
            e.set("source", source);
        }
        return e;
    }

    /**
     * Refuses, before anything changes, an action that would create {@code n} webhook events while the
     * channel's webhook queue is full: {@code 503} with LINE's error shape, counted in the refusals.
     */
    public void admit(Channel channel, int n) {
        if (!webhooks.admit(channel, n)) {
            throw ApiException.line(HttpStatus.SERVICE_UNAVAILABLE, "The webhook queue of channel " + channel.channelId()
                    + " is full (webhookQueueLimit " + config.webhookQueueLimit + " events); retry when the bot has caught up");
        }
    }

    /**
     * Completes events as the platform would (webhookEventId ULID, timestamp in ms, mode active,
     * deliveryContext, a reply token where the type has one and the mode is active), registers their
     * reply tokens, records them in their chat's conversation, and queues them for the channel's
     * webhook as one batch.
     */
    public List<ObjectNode> emit(Channel channel, List<ObjectNode> events) {
        return emit(channel, events, null);
    }

    /**
     * {@link #emit(Channel, List)}, with what the user's chat shows for the events instead of
     * nothing (a postback action's {@code displayText}, which LINE shows but does not send).
     */
    public List<ObjectNode> emit(Channel channel, List<ObjectNode> events, String displayText) {
        Instant now = clock().instant();
        List<WebhookDispatcher.Event> queued = new ArrayList<>(events.size());
        List<Modules.Attachment> attached = modules.attachedTo(channel);
        for (ObjectNode e : events) {
            String chatId = e.has("source") ? chatIdOf(e.get("source")) : null;
            String activeModule = attached.isEmpty() ? null : modules.active(channel, chatId, now);
            if (activeModule != null) {
                e.put("mode", "standby"); // a module channel holds the chat's initiative (Chat Control)
            }
            complete(e, now);
            if (!attached.isEmpty()) {
                // Every attached module channel receives the bot's events too; active only where it holds the chat.
                for (Modules.Attachment a : attached) {
                    ObjectNode copy = e.deepCopy();
                    copy.remove("replyToken");
                    copy.put("mode", a.module().channelId().equals(activeModule) ? "active" : "standby");
                    emitTo(a.view(), List.of(copy));
                }
            }
            String token = null;
            if ("standby".equals(e.path("mode").asText())) {
                e.remove("replyToken"); // no reply token in standby (§1.4, §2.4)
            } else if (e.hasNonNull("replyToken")) {
                token = e.get("replyToken").asText();
            } else if (REPLYABLE.contains(e.path("type").asText()) && e.has("source")) {
                // (a failed accountLink event has neither source nor reply token, §6)
                token = Ids.hex32(true);
                e.put("replyToken", token);
            }
            if (token != null) {
                channel.replyTokens().issue(token, chatId, Instant.ofEpochMilli(e.get("timestamp").asLong()));
            }
            // Serialized once: these bytes are what the webhook carries and what the chat page shows.
            byte[] json = serialize(e);
            String eventId = e.get("webhookEventId").asText();
            Conversation chat = chatId == null ? null : channel.conversation(chatId);
            Conversation.UserEvent entry = chat == null ? null
                    : chat.addUserEvent(channel.nextSeq(), eventId, json, displayText);
            String readToken = e.path("message").path("markAsReadToken").asText(null);
            if (readToken != null) {
                channel.markAsReadTokens().put(readToken, new Conversation.ReadToken(chat, entry == null ? 0 : entry.seq()));
            }
            queued.add(new WebhookDispatcher.Event(json, eventId, token, entry));
        }
        webhooks.enqueue(channel, queued);
        return events;
    }

    /** Completes an event as the platform would: timestamp in ms, mode active, webhookEventId ULID, deliveryContext. */
    private static void complete(ObjectNode e, Instant now) {
        if (!e.hasNonNull("timestamp")) {
            e.put("timestamp", now.toEpochMilli());
        }
        if (!e.hasNonNull("mode")) {
            e.put("mode", "active");
        }
        if (!e.hasNonNull("webhookEventId")) {
            e.put("webhookEventId", Ulid.next(e.get("timestamp").asLong()));
        }
        if (!e.has("deliveryContext")) {
            e.putObject("deliveryContext").put("isRedelivery", false);
        }
    }

    /**
     * Events for a module channel's webhook ({@code view}: see {@link Channel#moduleView}), completed,
     * with a reply token (the bot's) where the type has one and the mode is active; not in any chat.
     */
    public void emitTo(Channel view, List<ObjectNode> events) {
        if (view.settings().webhookUrl() == null) {
            return;
        }
        Instant now = clock().instant();
        List<WebhookDispatcher.Event> queued = new ArrayList<>(events.size());
        for (ObjectNode e : events) {
            complete(e, now);
            String token = null;
            if (!"standby".equals(e.path("mode").asText()) && REPLYABLE.contains(e.path("type").asText()) && e.has("source")) {
                token = Ids.hex32(true);
                e.put("replyToken", token);
                view.replyTokens().issue(token, chatIdOf(e.get("source")), Instant.ofEpochMilli(e.get("timestamp").asLong()));
            }
            queued.add(new WebhookDispatcher.Event(serialize(e), e.get("webhookEventId").asText(), token, null));
        }
        webhooks.enqueue(view, queued);
    }

    private static byte[] serialize(ObjectNode event) {
        try {
            return Json.mapper().writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree of our own
        }
    }

    /** The chat a reply to an event goes to: its group or room, else its user. */
    public static String chatIdOf(JsonNode source) {
        if (source.hasNonNull("groupId")) {
            return source.get("groupId").asText();
        }
        if (source.hasNonNull("roomId")) {
            return source.get("roomId").asText();
        }
        return source.path("userId").asText(null);
    }

    // ---- delivery of what the bot sends --------------------------------------------------

    /**
     * How messages came to be sent: {@code via} reply, push, multicast, broadcast, narrowcast (the API
     * call) or greeting, autoReply (the platform itself, without a request), with the request id and
     * the {@code X-Line-Retry-Key} of the call.
     */
    public record Sending(String via, String requestId, String retryKey) {
        public static final Sending PLATFORM_GREETING = new Sending("greeting", null, null);
        public static final Sending PLATFORM_AUTO_REPLY = new Sending("autoReply", null, null);
    }

    /** Whether a message to {@code chatId} reaches anyone: a friend, or a group/room the bot is in. */
    public boolean reachable(Channel channel, String chatId) {
        if (Ids.isUserId(chatId)) {
            return channel.isFriend(chatId);
        }
        Group g = state.groups().get(chatId);
        return g != null && g.botChannels().contains(channel.channelId());
    }

    /**
     * Sends {@code messages} to one chat. Returns sentMessages ({@code id}, {@code quoteToken}) whether
     * or not anything was delivered: the platform does not tell a bot that a user blocked it (§2.3).
     */
    public ArrayNode deliver(Channel channel, String chatId, Sending sending, JsonNode messages, Instant now) {
        ArrayNode sent = Json.mapper().createArrayNode();
        if (deliverOne(channel, chatId, sending, messages, contentHashes(messages), now, sent)) {
            channel.countDelivery(sending.via(), JST_DATE.format(now), 1);
        }
        return sent;
    }

    /**
     * Sends the same {@code messages} to many chats (multicast, broadcast, narrowcast), whose responses
     * carry no sentMessages: the per-request work (content hashes, the date) is done once, not per
     * recipient. Returns how many chats were reached.
     */
    public long deliverAll(Channel channel, Iterable<String> chatIds, Sending sending, JsonNode messages, Instant now) {
        long[] hashes = contentHashes(messages);
        long reached = 0;
        for (String chatId : chatIds) {
            if (deliverOne(channel, chatId, sending, messages, hashes, now, null)) {
                reached++;
            }
        }
        if (reached > 0) {
            channel.countDelivery(sending.via(), JST_DATE.format(now), reached);
        }
        return reached;
    }

    private boolean deliverOne(Channel channel, String chatId, Sending sending, JsonNode messages,
            long[] hashes, Instant now, ArrayNode sent) {
        boolean reach = reachable(channel, chatId);
        Conversation inbox = reach ? channel.conversation(chatId) : null;
        if (sent != null || inbox != null) {
            int index = 0;
            for (JsonNode m : messages) {
                index++;
                String id = Ids.messageId();
                if (sent != null) {
                    ObjectNode s = sent.addObject();
                    s.put("id", id);
                    s.put("quoteToken", Ids.alnum(40, false));
                }
                if (inbox != null) {
                    inbox.add(new Conversation.BotMessage(channel.nextSeq(), sending.via(), now, sending.requestId(),
                            sending.retryKey(), id, m, index));
                }
            }
        }
        if (reach && Ids.isUserId(chatId)) {
            channel.deliverySummary().record(chatId, hashes);
        }
        return reach;
    }

    private static long[] contentHashes(JsonNode messages) {
        long[] h = new long[messages.size()];
        for (int i = 0; i < h.length; i++) {
            h[i] = DeliverySummary.contentHash(messages.get(i).toString());
        }
        return h;
    }

    /** Counts toward the monthly quota: sends to users except replies (replies are free). */
    public void consume(Channel channel, long messages) {
        channel.consumption().addAndGet(messages);
    }

    public static String jstDate(Instant now) {
        return JST_DATE.format(now);
    }

    /** An instant as the platform writes times: {@code 2024-01-02T03:04:05.678Z}. */
    public static String iso(Instant i) {
        return ISO_MS.format(i);
    }

    // ---- user actions (control API) ----------------------------------------------------------

    public ObjectNode follow(Channel channel, String userId, boolean unblocked) {
        channel.relation(userId, Relation.FRIEND);
        ObjectNode e = event("follow", userSource(userId));
        e.putObject("follow").put("isUnblocked", unblocked);
        emit(channel, List.of(e));
        // The guidelines: the greeting message "is also sent when unblocked".
        if (channel.settings().greeting()) {
            ObjectNode greeting = Json.mapper().createObjectNode();
            greeting.put("type", "text");
            greeting.put("text", channel.settings().greetingText());
            deliver(channel, userId, Sending.PLATFORM_GREETING, Json.mapper().createArrayNode().add(greeting), clock().instant());
        }
        return e;
    }

    public ObjectNode block(Channel channel, String userId) {
        channel.relation(userId, Relation.BLOCKED);
        ObjectNode e = event("unfollow", userSource(userId));
        emit(channel, List.of(e));
        return e;
    }

    /** Auto-reply, when on, answers every user message with the configured text. */
    public void autoReply(Channel channel, String chatId) {
        if (channel.settings().autoReply()) {
            ObjectNode m = Json.mapper().createObjectNode();
            m.put("type", "text");
            m.put("text", channel.settings().autoReplyText());
            deliver(channel, chatId, Sending.PLATFORM_AUTO_REPLY, Json.mapper().createArrayNode().add(m), clock().instant());
        }
    }

    /** A message's {@code markAsReadToken}; {@link #emit} registers it with the chat item it marks. */
    public String newMarkAsReadToken() {
        return Ids.alnum(40, false);
    }
}
