package io.linegate.emulator.control;

import static com.linecorp.armeria.common.HttpMethod.DELETE;
import static com.linecorp.armeria.common.HttpMethod.GET;
import static com.linecorp.armeria.common.HttpMethod.POST;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpStatus;
import io.linegate.core.Json;
import io.linegate.emulator.domain.ApiException.Detail;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.domain.Channel;
import io.linegate.emulator.domain.ChannelSettings;
import io.linegate.emulator.domain.Conversation;
import io.linegate.emulator.domain.DeliveryRecord;
import io.linegate.emulator.domain.DeliverySummary;
import io.linegate.emulator.domain.Group;
import io.linegate.emulator.domain.Ids;
import io.linegate.emulator.domain.Platform;
import io.linegate.emulator.domain.Relation;
import io.linegate.emulator.domain.User;
import io.linegate.emulator.domain.WebhookErrorStats;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.Faults;
import io.linegate.emulator.http.RateLimiter;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The control API under {@code /control/v1}: what users do (befriend, block, send messages, postbacks,
 * unsend), arbitrary raw events, groups, the inboxes of what bots sent, webhook delivery records and
 * error statistics, injected faults and a reset. No LINE authentication: it binds to loopback by
 * default. Every operation takes an optional {@code ?channelId=} and otherwise acts on the default
 * channel.
 */
public final class ControlApi {
    public static final String PREFIX = "/control/v1";
    static final int MAX_BULK_USERS = 1_000_000;
    private final Platform platform;
    private final Faults faults;
    private final RateLimiter limiter;

    public ControlApi(Platform platform, Faults faults, RateLimiter limiter) {
        this.platform = platform;
        this.faults = faults;
        this.limiter = limiter;
    }

    public void register(Router r) {
        r.on(GET, PREFIX + "/channels").control().to(this::channels);
        r.on(POST, PREFIX + "/users").control().to(this::createUser);
        r.on(GET, PREFIX + "/users").control().to(this::listUsers);
        r.on(POST, PREFIX + "/users/bulk").control().to(this::bulkUsers);
        r.on(POST, PREFIX + "/users/{userId}/follow").control().to(admitting(c -> follow(c, false)));
        r.on(POST, PREFIX + "/users/{userId}/unblock").control().to(admitting(c -> follow(c, true)));
        r.on(POST, PREFIX + "/users/{userId}/block").control().to(admitting(this::block));
        r.on(POST, PREFIX + "/users/{userId}/messages").control().to(admitting(c -> userMessage(c, null)));
        r.on(POST, PREFIX + "/users/{userId}/postback").control().to(admitting(c -> postback(c, null)));
        r.on(POST, PREFIX + "/users/{userId}/unsend").control().to(admitting(c -> unsend(c, null)));
        r.on(POST, PREFIX + "/users/{userId}/accountLink").control().to(admitting(this::accountLink));
        r.on(GET, PREFIX + "/users/{userId}/inbox").control().to(c -> inbox(c, c.path("userId")));
        r.on(POST, PREFIX + "/events").control().to(this::rawEvents);
        r.on(POST, PREFIX + "/groups").control().to(admitting(this::createGroup));
        r.on(GET, PREFIX + "/groups").control().to(this::listGroups);
        r.on(POST, PREFIX + "/groups/{groupId}/messages").control().to(admitting(this::groupMessage));
        r.on(POST, PREFIX + "/groups/{groupId}/postback").control().to(admitting(c -> postback(c, group(c))));
        r.on(POST, PREFIX + "/groups/{groupId}/unsend").control().to(admitting(c -> unsend(c, group(c))));
        r.on(POST, PREFIX + "/groups/{groupId}/members").control().to(admitting(this::membersJoin));
        r.on(DELETE, PREFIX + "/groups/{groupId}/members/{userId}").control().to(admitting(this::memberLeave));
        r.on(POST, PREFIX + "/groups/{groupId}/bot").control().to(admitting(c -> botJoinsOrLeaves(c, true)));
        r.on(DELETE, PREFIX + "/groups/{groupId}/bot").control().to(admitting(c -> botJoinsOrLeaves(c, false)));
        r.on(GET, PREFIX + "/groups/{groupId}/inbox").control().to(c -> inbox(c, c.path("groupId")));
        r.on(GET, PREFIX + "/deliveries").control().to(this::deliveries);
        r.on(GET, PREFIX + "/deliveries/summary").control().to(this::deliverySummary);
        r.on(GET, PREFIX + "/webhook-errors").control().to(this::webhookErrors);
        r.on(POST, PREFIX + "/faults").control().to(this::addFault);
        r.on(DELETE, PREFIX + "/faults").control().to(c -> {
            faults.clear();
            return Reply.emptyObject();
        });
        r.on(POST, PREFIX + "/reset").control().to(this::reset);
    }

    /**
     * An action that creates one webhook event: refused (503) before it changes anything when the
     * channel's webhook queue is full. (Raw events are admitted by their count.)
     */
    private Router.Handler admitting(Router.Handler h) {
        return c -> {
            platform.admit(channel(c), 1);
            return h.handle(c);
        };
    }

    private Channel channel(Call c) {
        String id = c.query("channelId");
        Channel ch = id == null ? platform.state().defaultChannel() : platform.state().channel(id);
        if (ch == null) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "Channel not found");
        }
        return ch;
    }

    private User user(Call c) {
        User u = platform.state().users().get(c.path("userId"));
        if (u == null) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "User not found");
        }
        return u;
    }

    private JsonNode body(Call c) {
        return c.body().length == 0 ? Json.mapper().createObjectNode() : c.jsonObject();
    }

    // ---- channels -------------------------------------------------------------------------------

    private Reply channels(Call c) {
        ObjectNode b = Json.mapper().createObjectNode();
        ArrayNode a = b.putArray("channels");
        for (Channel ch : platform.state().channels()) {
            ObjectNode o = a.addObject();
            o.put("channelId", ch.channelId());
            o.put("botUserId", ch.botUserId());
            o.put("basicId", ch.basicId());
            o.put("provider", ch.providerName());
            o.put("default", ch == platform.state().defaultChannel());
            o.set("settings", Json.mapper().valueToTree(ch.settings()));
        }
        return Reply.ok(b);
    }

    // ---- users ----------------------------------------------------------------------------------

    private Reply createUser(Call c) {
        JsonNode b = body(c);
        String id = b.hasNonNull("userId") ? b.get("userId").asText() : Ids.userId();
        if (!Ids.isUserId(id)) {
            throw ApiException.invalid(List.of(new Detail("Must match ^U[0-9a-f]{32}$", "userId")));
        }
        User u = new User(id, b.path("displayName").asText("User"), text(b, "pictureUrl"), text(b, "statusMessage"),
                b.path("language").asText("en"));
        platform.state().users().put(id, u);
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("userId", id);
        return Reply.ok(out);
    }

    /**
     * Users for campaign load tests: ids {@code "U" + %032x of (start + i)} for i in [0, count), friends
     * of {@code friendOf} (default: the selected channel) without follow events. Idempotent: existing
     * users keep their profile, and one who blocked a bot stays blocked. Everything is checked before
     * anything is created.
     */
    private Reply bulkUsers(Call c) {
        JsonNode b = body(c);
        List<Detail> d = new ArrayList<>();
        long start = b.hasNonNull("start") ? integer(b.get("start"), -1) : 0;
        if (start < 0) {
            d.add(new Detail("Must be an integer >= 0", "start"));
        }
        long count = integer(b.path("count"), 0);
        if (count < 1 || count > MAX_BULK_USERS) {
            d.add(new Detail("Must be between 1 and " + MAX_BULK_USERS, "count"));
        } else if (start >= 0 && start > Long.MAX_VALUE - count) {
            d.add(new Detail("start + count must not exceed " + Long.MAX_VALUE, "start"));
        }
        List<Channel> channels = new ArrayList<>();
        if (b.has("friendOf")) {
            if (!b.get("friendOf").isArray()) {
                d.add(new Detail("Must be an array of channel ids", "friendOf"));
            }
            for (JsonNode id : b.path("friendOf")) {
                Channel ch = platform.state().channel(id.asText());
                if (ch == null) {
                    d.add(new Detail("Channel not found: " + id.asText(), "friendOf"));
                }
                channels.add(ch);
            }
        } else {
            channels.add(channel(c));
        }
        if (!d.isEmpty()) {
            throw ApiException.invalid(d);
        }
        String name = b.path("displayName").asText("User"); // one shared String: no per-user copy
        java.util.Map<String, User> users = platform.state().users();
        long existed = 0;
        for (long i = 0; i < count; i++) {
            String id = Ids.userIdOf(start + i);
            User old = users.putIfAbsent(id, new User(id, name, null, null, "en"));
            if (old != null) {
                existed++;
                id = old.userId(); // share the existing key's String
            }
            for (Channel ch : channels) {
                ch.befriendIfNew(id);
            }
        }
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("created", count);
        out.put("alreadyExisted", existed);
        out.put("firstUserId", Ids.userIdOf(start));
        out.put("lastUserId", Ids.userIdOf(start + count - 1));
        return Reply.ok(out);
    }

    /** Every user with their relation to the selected channel ({@code NONE}, {@code FRIEND}, {@code BLOCKED}). */
    private Reply listUsers(Call c) {
        Channel ch = channel(c);
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode a = out.putArray("users");
        platform.state().users().values().stream()
                .sorted(java.util.Comparator.comparing(User::userId))
                .forEach(u -> {
                    ObjectNode o = a.addObject();
                    o.put("userId", u.userId());
                    o.put("displayName", u.displayName());
                    o.put("relation", ch.relation(u.userId()).name());
                });
        return Reply.ok(out);
    }

    private Reply follow(Call c, boolean unblock) {
        User u = user(c);
        Channel ch = channel(c);
        if (unblock && ch.relation(u.userId()) != Relation.BLOCKED) {
            throw ApiException.badRequest("The user has not blocked the bot");
        }
        if (!unblock && ch.relation(u.userId()) == Relation.FRIEND) {
            throw ApiException.badRequest("The user is already a friend");
        }
        ObjectNode e = platform.follow(ch, u.userId(), unblock || ch.relation(u.userId()) == Relation.BLOCKED);
        return Reply.ok(eventSummary(e, null));
    }

    private Reply block(Call c) {
        User u = user(c);
        Channel ch = channel(c);
        if (ch.relation(u.userId()) != Relation.FRIEND) {
            throw ApiException.badRequest("The user is not a friend");
        }
        return Reply.ok(eventSummary(platform.block(ch, u.userId()), null));
    }

    /**
     * A message as a user sends it, turned into a message event (and its content, for media). The
     * body is the message as JSON, media as {@code contentBase64}; or, with {@code ?type=image|video|audio|file}
     * (and {@code fileName}, {@code duration}, and {@code userId} in a group), the media's bytes
     * themselves under their own content type, as the chat page uploads them.
     */
    private Reply userMessage(Call c, Group group) {
        String rawType = c.query("type");
        boolean raw = rawType != null;
        JsonNode b = raw ? rawMediaMessage(c, rawType) : c.jsonObject();
        String userId = group == null ? user(c).userId() : b.path("userId").asText("");
        Channel ch = channel(c);
        if (group == null && ch.relation(userId) == Relation.BLOCKED) {
            throw ApiException.badRequest("The user has blocked the bot");
        }
        if (group != null && !group.members().contains(userId)) {
            throw ApiException.invalid(List.of(new Detail("Not a member of the group", "userId")));
        }
        String messageId = Ids.messageId();
        ObjectNode m = Json.mapper().createObjectNode();
        String type = b.path("type").asText("");
        m.put("id", messageId);
        m.put("type", type);
        switch (type) {
            case "text" -> {
                String text = b.path("text").asText("");
                if (text.isEmpty()) {
                    throw ApiException.invalid(List.of(new Detail("May not be empty", "text")));
                }
                m.put("quoteToken", Ids.alnum(40, false));
                m.put("text", text);
                copy(b, m, "emojis", "mention", "quotedMessageId");
            }
            case "sticker" -> {
                m.put("quoteToken", Ids.alnum(40, false));
                m.put("packageId", b.path("packageId").asText("446"));
                m.put("stickerId", b.path("stickerId").asText("1988"));
                m.put("stickerResourceType", b.path("stickerResourceType").asText("STATIC"));
                copy(b, m, "keywords", "text", "quotedMessageId");
            }
            case "image", "video", "audio", "file" -> {
                byte[] content;
                if (raw) {
                    content = c.body();
                } else {
                    try {
                        content = Base64.getDecoder().decode(b.path("contentBase64").asText(""));
                    } catch (IllegalArgumentException e) {
                        throw ApiException.invalid(List.of(new Detail("Must be Base64", "contentBase64")));
                    }
                }
                String ct = b.path("contentType").asText(switch (type) {
                    case "image" -> "image/jpeg";
                    case "video" -> "video/mp4";
                    case "audio" -> "audio/x-m4a";
                    default -> "application/octet-stream";
                });
                platform.state().content().put(messageId, content, ct);
                if (!type.equals("file")) {
                    m.putObject("contentProvider").put("type", "line");
                }
                if (type.equals("image") || type.equals("video")) {
                    m.put("quoteToken", Ids.alnum(40, false));
                }
                if (type.equals("video") || type.equals("audio")) {
                    m.put("duration", b.path("duration").asLong(1000));
                }
                if (type.equals("file")) {
                    m.put("fileName", b.path("fileName").asText("file.bin"));
                    m.put("fileSize", content.length);
                }
            }
            case "location" -> {
                if (!b.path("latitude").isNumber() || !b.path("longitude").isNumber()) {
                    throw ApiException.invalid(List.of(new Detail("May not be empty", "latitude/longitude")));
                }
                copy(b, m, "title", "address", "latitude", "longitude");
            }
            default -> throw ApiException.invalid(List.of(new Detail(
                    "Must be one of the following values: [text, sticker, image, video, audio, file, location]", "type")));
        }
        String chatId = group == null ? userId : group.id();
        m.put("markAsReadToken", platform.newMarkAsReadToken(ch, chatId));
        platform.state().userMessages().put(messageId, userId);
        ObjectNode e = platform.event("message", group == null ? Platform.userSource(userId) : Platform.chatSource(group, userId));
        e.set("message", m);
        copyMode(b, e);
        platform.emit(ch, List.of(e));
        platform.autoReply(ch, chatId);
        return Reply.ok(eventSummary(e, messageId));
    }

    /** The JSON a raw media upload stands for: its type and content type, the rest from the query. */
    private static JsonNode rawMediaMessage(Call c, String type) {
        if (!List.of("image", "video", "audio", "file").contains(type)) {
            throw ApiException.invalid(List.of(new Detail("Must be one of the following values: [image, video, audio, file]", "type")));
        }
        if (c.body().length == 0) {
            throw ApiException.invalid(List.of(new Detail("May not be empty", "body")));
        }
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("type", type);
        com.linecorp.armeria.common.MediaType ct = c.request().contentType();
        if (ct != null) {
            b.put("contentType", ct.withoutParameters().toString());
        }
        for (String q : List.of("fileName", "userId", "mode")) {
            if (c.query(q) != null) {
                b.put(q, c.query(q));
            }
        }
        if (c.query("duration") != null) {
            try {
                b.put("duration", Long.parseLong(c.query("duration")));
            } catch (NumberFormatException e) {
                throw ApiException.invalid(List.of(new Detail("Must be a number of milliseconds", "duration")));
            }
        }
        return b;
    }

    /**
     * A postback (a postback action, a datetime picker's answer in {@code params}) in the user's chat
     * or, with {@code group}, from member {@code userId} of it. {@code displayText} is what the chat
     * shows for it; it is not sent to the bot (the event carries the postback only).
     */
    private Reply postback(Call c, Group group) {
        JsonNode b = c.jsonObject();
        String userId = group == null ? user(c).userId() : member(group, b);
        Channel ch = channel(c);
        if (!b.hasNonNull("data")) {
            throw ApiException.invalid(List.of(new Detail("May not be empty", "data")));
        }
        if (b.has("params") && !b.get("params").isObject()) {
            throw ApiException.invalid(List.of(new Detail("Must be an object", "params")));
        }
        ObjectNode e = platform.event("postback", group == null ? Platform.userSource(userId) : Platform.chatSource(group, userId));
        ObjectNode p = e.putObject("postback");
        p.put("data", b.get("data").asText());
        if (b.has("params")) {
            p.set("params", b.get("params"));
        }
        copyMode(b, e);
        String displayText = b.hasNonNull("displayText") ? b.get("displayText").asText() : null;
        platform.emit(ch, List.of(e), displayText);
        return Reply.ok(eventSummary(e, null));
    }

    /** The user (or, with {@code group}, member {@code userId}) unsends one of their messages. */
    private Reply unsend(Call c, Group group) {
        JsonNode b = c.jsonObject();
        String userId = group == null ? user(c).userId() : member(group, b);
        Channel ch = channel(c);
        String messageId = b.path("messageId").asText("");
        if (!userId.equals(platform.state().userMessages().get(messageId))) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "Message not found");
        }
        platform.state().content().markUnsent(messageId);
        ObjectNode e = platform.event("unsend", group == null ? Platform.userSource(userId) : Platform.chatSource(group, userId));
        e.putObject("unsend").put("messageId", messageId);
        platform.emit(ch, List.of(e));
        return Reply.ok(eventSummary(e, null));
    }

    /**
     * The user opens {@code access.line.me/dialog/bot/accountLink?linkToken&nonce} (Messaging API docs, "Link user accounts"):
     * the token's own user gets an {@code ok} event with a reply token; anyone else a {@code failed}
     * event without source or reply token; an unknown, expired or used token no webhook at all.
     */
    private Reply accountLink(Call c) {
        User u = user(c);
        JsonNode b = c.jsonObject();
        ObjectNode e = io.linegate.emulator.domain.AccountLink.link(platform, channel(c), u.userId(),
                b.path("linkToken").asText(""), b.path("nonce").asText(""), c.now());
        return Reply.ok(eventSummary(e, null));
    }

    /** Arbitrary events (new or unknown types included), completed with the platform's common fields. */
    private Reply rawEvents(Call c) {
        JsonNode events = c.jsonObject().get("events");
        if (events == null || !events.isArray()) {
            throw ApiException.invalid(List.of(new Detail("May not be empty", "events")));
        }
        List<ObjectNode> list = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            JsonNode e = events.get(i);
            if (!e.isObject() || !e.hasNonNull("type")) {
                throw ApiException.invalid(List.of(new Detail("May not be empty", "events[" + i + "].type")));
            }
            list.add((ObjectNode) e); // the parsed body is this call's own: completed in place
        }
        Channel ch = channel(c);
        platform.admit(ch, list.size());
        platform.emit(ch, list);
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode a = out.putArray("events");
        list.forEach(a::add);
        return Reply.ok(out);
    }

    // ---- groups -----------------------------------------------------------------------------------

    private Reply createGroup(Call c) {
        JsonNode b = body(c);
        boolean room = "room".equals(b.path("type").asText("group"));
        Group g = new Group(room ? Ids.roomId() : Ids.groupId(), room, b.path("name").asText(room ? null : "Group"),
                text(b, "pictureUrl"));
        for (JsonNode m : b.path("members")) {
            if (!platform.state().users().containsKey(m.asText())) {
                throw ApiException.line(HttpStatus.NOT_FOUND, "User not found: " + m.asText());
            }
            g.members().add(m.asText());
        }
        Channel ch = channel(c);
        g.botChannels().add(ch.channelId());
        platform.state().groups().put(g.id(), g);
        platform.emit(ch, List.of(platform.event("join", Platform.chatSource(g, null))));
        ObjectNode out = Json.mapper().createObjectNode();
        out.put(room ? "roomId" : "groupId", g.id());
        out.put("groupId", g.id());
        return Reply.ok(out);
    }

    private Group group(Call c) {
        Group g = platform.state().groups().get(c.path("groupId"));
        if (g == null) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "Group not found");
        }
        return g;
    }

    /** The body's {@code userId}, a member of the group. */
    private static String member(Group g, JsonNode b) {
        String userId = b.path("userId").asText("");
        if (!g.members().contains(userId)) {
            throw ApiException.invalid(List.of(new Detail("Not a member of the group", "userId")));
        }
        return userId;
    }

    private Reply groupMessage(Call c) {
        return userMessage(c, group(c));
    }

    /** Groups and rooms with their members and whether the selected channel's bot is in them. */
    private Reply listGroups(Call c) {
        Channel ch = channel(c);
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode a = out.putArray("groups");
        platform.state().groups().values().stream()
                .sorted(java.util.Comparator.comparing(Group::id))
                .forEach(g -> {
                    ObjectNode o = a.addObject();
                    o.put("groupId", g.id());
                    o.put("type", g.sourceType());
                    o.put("name", g.name());
                    ArrayNode members = o.putArray("members");
                    g.members().forEach(members::add);
                    o.put("botIsMember", g.botChannels().contains(ch.channelId()));
                });
        return Reply.ok(out);
    }

    /**
     * Users join the group ({@code {"userIds":[...]}}): a {@code memberJoined} event when the bot is
     * in it (Messaging API reference, "Member join event"). Users already in it are refused.
     */
    private Reply membersJoin(Call c) {
        Group g = group(c);
        JsonNode ids = c.jsonObject().get("userIds");
        if (ids == null || !ids.isArray() || ids.isEmpty()) {
            throw ApiException.invalid(List.of(new Detail("May not be empty", "userIds")));
        }
        List<String> joining = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i).asText();
            if (!platform.state().users().containsKey(id)) {
                throw ApiException.line(HttpStatus.NOT_FOUND, "User not found: " + id);
            }
            if (g.members().contains(id) || joining.contains(id)) {
                throw ApiException.invalid(List.of(new Detail("Already a member of the group", "userIds[" + i + "]")));
            }
            joining.add(id);
        }
        g.members().addAll(joining);
        return Reply.ok(memberEvent(c, g, "memberJoined", "joined", joining));
    }

    /** A member leaves: a {@code memberLeft} event (no reply token) when the bot is in the group. */
    private Reply memberLeave(Call c) {
        Group g = group(c);
        String userId = c.path("userId");
        if (!g.members().remove(userId)) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "Not a member of the group");
        }
        return Reply.ok(memberEvent(c, g, "memberLeft", "left", List.of(userId)));
    }

    private ObjectNode memberEvent(Call c, Group g, String type, String field, List<String> userIds) {
        Channel ch = channel(c);
        if (!g.botChannels().contains(ch.channelId())) {
            return Json.mapper().createObjectNode(); // the bot is not there to hear of it
        }
        ObjectNode e = platform.event(type, Platform.chatSource(g, null));
        ArrayNode members = e.putObject(field).putArray("members");
        for (String id : userIds) {
            members.addObject().put("type", "user").put("userId", id);
        }
        platform.emit(ch, List.of(e));
        return eventSummary(e, null);
    }

    /** A member invites the selected channel's bot ({@code join} event) or removes it ({@code leave} event). */
    private Reply botJoinsOrLeaves(Call c, boolean join) {
        Group g = group(c);
        Channel ch = channel(c);
        boolean in = g.botChannels().contains(ch.channelId());
        if (join == in) {
            throw ApiException.badRequest(join ? "The bot is already in the group" : "The bot is not in the group");
        }
        if (join) {
            g.botChannels().add(ch.channelId());
        } else {
            g.botChannels().remove(ch.channelId());
        }
        ObjectNode e = platform.event(join ? "join" : "leave", Platform.chatSource(g, null));
        platform.emit(ch, List.of(e));
        return Reply.ok(eventSummary(e, null));
    }

    // ---- reading back ----------------------------------------------------------------------------

    private Reply inbox(Call c, String chatId) {
        Conversation chat = channel(c).conversationIfPresent(chatId);
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode a = out.putArray("messages");
        if (chat != null) {
            for (Conversation.BotMessage e : chat.inbox()) {
                ObjectNode o = a.addObject();
                o.put("via", e.via());
                o.put("sentAt", Platform.iso(e.sentAt()));
                if (e.requestId() != null) {
                    o.put("requestId", e.requestId());
                }
                o.put("messageId", e.messageId());
                o.set("message", e.message());
            }
        }
        return Reply.ok(out);
    }

    private Reply deliveries(Call c) {
        int limit = 100;
        if (c.query("limit") != null) {
            try {
                limit = Math.max(1, Integer.parseInt(c.query("limit")));
            } catch (NumberFormatException e) {
                throw ApiException.invalid(List.of(new Detail("Must be a number", "limit")));
            }
        }
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode a = out.putArray("deliveries");
        for (DeliveryRecord d : channel(c).deliveries().last(limit)) {
            ObjectNode o = a.addObject();
            o.put("time", Platform.iso(d.time()));
            o.put("url", d.url());
            o.put("statusCode", d.statusCode());
            o.put("success", d.success());
            o.put("reason", d.reason());
            o.put("detail", d.detail());
            ArrayNode ids = o.putArray("eventIds");
            d.eventIds().forEach(ids::add);
            o.put("isRedelivery", d.isRedelivery());
            o.put("attempt", d.attempt());
            o.put("durationMs", d.durationMs());
        }
        return Reply.ok(out);
    }

    /** Per-recipient counts of what the channel delivered, not bounded by the inbox limit (campaign checks). */
    private Reply deliverySummary(Call c) {
        DeliverySummary.Totals t = channel(c).deliverySummary().totals();
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("recipients", t.recipients());
        out.put("messages", t.messages());
        out.put("maxPerRecipient", t.maxPerRecipient());
        out.put("duplicatedRecipients", t.duplicatedRecipients());
        return Reply.ok(out);
    }

    private Reply webhookErrors(Call c) {
        Channel ch = channel(c);
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("total", ch.errorStats().total());
        out.put("queuedEvents", platform.webhooks().queued(ch));
        out.put("refusedEvents", platform.webhooks().refused(ch));
        ArrayNode notices = out.putArray("adminNotifications");
        ch.adminNotices().last(100).forEach(notices::add);
        ArrayNode a = out.putArray("errors");
        for (WebhookErrorStats.Row r : ch.errorStats().rows()) {
            ObjectNode o = a.addObject();
            o.put("reason", r.reason());
            o.put("detail", r.detail());
            o.put("errors", r.errors());
            o.put("first", Platform.iso(r.first()));
            o.put("last", Platform.iso(r.last()));
        }
        return Reply.ok(out);
    }

    // ---- faults and reset -----------------------------------------------------------------------

    private Reply addFault(Call c) {
        JsonNode b = c.jsonObject();
        String endpoint = b.path("endpoint").asText("");
        List<Detail> d = new ArrayList<>();
        if (!endpoint.startsWith("/")) {
            d.add(new Detail("Must be a path such as /v2/bot/message/push", "endpoint"));
        }
        for (String rate : List.of("errorRate", "acceptedButLostRate", "resetRate")) {
            double v = b.path(rate).asDouble(0);
            if (v < 0 || v > 1) {
                d.add(new Detail("Must be between 0 and 1", rate));
            }
        }
        if (!d.isEmpty()) {
            throw ApiException.invalid(d);
        }
        Faults.Spec s = new Faults.Spec(endpoint, b.path("latencyMs").asLong(0), b.path("errorRate").asDouble(0),
                b.path("acceptedButLostRate").asDouble(0), b.path("resetRate").asDouble(0), b.path("count").asInt(-1));
        faults.add(s);
        return Reply.ok(Json.mapper().valueToTree(s));
    }

    private Reply reset(Call c) {
        faults.clear();
        limiter.reset();
        platform.webhooks().clear();
        platform.state().reset();
        return Reply.emptyObject();
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static ObjectNode eventSummary(ObjectNode e, String messageId) {
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("webhookEventId", e.path("webhookEventId").asText());
        if (messageId != null) {
            out.put("messageId", messageId);
        }
        if (e.hasNonNull("replyToken")) {
            out.put("replyToken", e.get("replyToken").asText());
        }
        return out;
    }

    private static void copy(JsonNode from, ObjectNode to, String... fields) {
        for (String f : fields) {
            if (from.has(f) && !from.get(f).isNull()) {
                to.set(f, from.get(f));
            }
        }
    }

    /** Lets a test send an event in standby mode (no reply token). */
    private static void copyMode(JsonNode from, ObjectNode e) {
        if ("standby".equals(from.path("mode").asText())) {
            e.put("mode", "standby");
        }
    }

    private static long integer(JsonNode n, long otherwise) {
        return n.isIntegralNumber() && n.canConvertToLong() ? n.asLong() : otherwise;
    }

    private static String text(JsonNode b, String field) {
        return b.hasNonNull(field) ? b.get(field).asText() : null;
    }
}
