package io.linegate.emulator.messaging;

import static com.linecorp.armeria.common.HttpMethod.GET;
import static com.linecorp.armeria.common.HttpMethod.POST;
import static com.linecorp.armeria.common.HttpMethod.PUT;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import io.linegate.core.Json;
import io.linegate.emulator.domain.ApiException.Detail;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.domain.Channel;
import io.linegate.emulator.domain.ChannelSettings;
import io.linegate.emulator.domain.ContentStore;
import io.linegate.emulator.domain.Group;
import io.linegate.emulator.domain.Ids;
import io.linegate.emulator.domain.MessageValidator;
import io.linegate.emulator.domain.Narrowcast;
import io.linegate.emulator.domain.Platform;
import io.linegate.emulator.domain.ReplyTokens;
import io.linegate.emulator.domain.User;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.RateLimiter.Limit;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The stateful operations of {@code messaging-api.yml} (api.line.me and api-data.line.me paths). */
public final class MessagingApi {
    private static final Set<String> SEND_TYPES = Set.of("reply", "push", "multicast", "narrowcast", "broadcast");

    private final Platform platform;

    public MessagingApi(Platform platform) {
        this.platform = platform;
    }

    public void register(Router r) {
        r.on(POST, "/v2/bot/message/reply").to(this::reply);
        r.on(POST, "/v2/bot/message/push").retryKey().to(this::push);
        r.on(POST, "/v2/bot/message/multicast").retryKey().limit(Limit.PER_SECOND_200).to(this::multicast);
        r.on(POST, "/v2/bot/message/broadcast").retryKey().limit(Limit.PER_HOUR_60).to(this::broadcast);
        r.on(POST, "/v2/bot/message/narrowcast").retryKey().limit(Limit.PER_HOUR_60).to(this::narrowcast);
        r.on(GET, "/v2/bot/message/progress/narrowcast").to(this::progress);
        r.on(POST, "/v2/bot/message/validate/{type}").to(this::validate);
        r.on(GET, "/v2/bot/message/quota").to(this::quota);
        r.on(GET, "/v2/bot/message/quota/consumption").to(this::consumption);
        r.on(GET, "/v2/bot/message/delivery/{type}").to(this::deliveryCount);
        r.on(GET, "/v2/bot/profile/{userId}").to(this::profile);
        r.on(GET, "/v2/bot/followers/ids").to(this::followers);
        r.on(GET, "/v2/bot/info").to(this::botInfo);
        r.on(GET, "/v2/bot/message/{messageId}/content").to(this::content);
        r.on(GET, "/v2/bot/message/{messageId}/content/preview").to(this::preview);
        r.on(GET, "/v2/bot/message/{messageId}/content/transcoding").to(this::transcoding);
        r.on(GET, "/v2/bot/channel/webhook/endpoint").limit(Limit.WEBHOOK_ENDPOINT).to(this::getWebhook);
        r.on(PUT, "/v2/bot/channel/webhook/endpoint").limit(Limit.WEBHOOK_ENDPOINT).to(this::putWebhook);
        r.on(POST, "/v2/bot/channel/webhook/test").limit(Limit.PER_HOUR_60).toAsync(this::testWebhook);
        r.on(POST, "/v2/bot/user/{userId}/linkToken").to(this::linkToken);
        r.on(POST, "/v2/bot/chat/loading/start").limit(Limit.LOADING).to(this::loading);
        r.on(POST, "/v2/bot/chat/markAsRead").to(this::markAsRead);
        for (String kind : List.of("group", "room")) {
            String base = "/v2/bot/" + kind + "/{" + kind + "Id}";
            if (kind.equals("group")) {
                r.on(GET, base + "/summary").to(c -> summary(c));
            }
            r.on(GET, base + "/members/count").to(c -> memberCount(c, kind));
            r.on(GET, base + "/members/ids").to(c -> memberIds(c, kind));
            r.on(GET, base + "/member/{userId}").to(c -> memberProfile(c, kind));
            r.on(POST, base + "/leave").to(c -> leave(c, kind));
        }
    }

    // ---- sending ------------------------------------------------------------------------------

    private Reply reply(Call c) {
        JsonNode body = c.jsonObject();
        List<Detail> d = new ArrayList<>();
        String token = body.path("replyToken").asText("");
        if (token.isEmpty()) {
            d.add(new Detail("May not be empty", "replyToken"));
        }
        MessageValidator.check(body.get("messages"), d);
        if (!d.isEmpty()) {
            throw ApiException.invalid(d);
        }
        Channel ch = c.channel();
        ReplyTokens.Entry e = ch.replyTokens().consume(token, c.now());
        if (e == null) {
            throw ApiException.badRequest("Invalid reply token");
        }
        ArrayNode sent = platform.deliver(ch, e.chatId(), sending(c, "reply"), body.get("messages"), c.now());
        return Reply.ok(sentMessages(sent));
    }

    private Reply push(Call c) {
        JsonNode body = c.jsonObject();
        JsonNode messages = MessageValidator.messages(body);
        JsonNode to = body.get("to");
        if (to == null || to.isNull() || to.asText().isEmpty()) {
            throw ApiException.invalid(List.of(new Detail("May not be empty", "to")));
        }
        String chatId = to.asText();
        if (!to.isTextual() || !(Ids.isUserId(chatId) || Ids.isGroupId(chatId) || Ids.isRoomId(chatId))) {
            throw ApiException.invalidProperty("to");
        }
        Channel ch = c.channel();
        boolean reach = platform.reachable(ch, chatId);
        chargeQuota(ch, reach ? 1 : 0);
        ArrayNode sent = platform.deliver(ch, chatId, sending(c, "push"), messages, c.now());
        return Reply.ok(sentMessages(sent)).sentMessages(sent);
    }

    private Reply multicast(Call c) {
        JsonNode body = c.jsonObject();
        JsonNode messages = MessageValidator.messages(body);
        JsonNode to = body.get("to");
        if (to == null || !to.isArray() || to.isEmpty() || to.size() > 500) {
            throw ApiException.invalid(List.of(new Detail("Size must be between 1 and 500", "to")));
        }
        for (int i = 0; i < to.size(); i++) {
            if (!Ids.isUserId(to.get(i).asText())) { // users only, no groups or rooms
                throw ApiException.invalidProperty("to[" + i + "]");
            }
        }
        Channel ch = c.channel();
        long reachable = 0;
        for (JsonNode u : to) {
            if (ch.isFriend(u.asText())) {
                reachable++;
            }
        }
        chargeQuota(ch, reachable);
        List<String> ids = new ArrayList<>(to.size());
        to.forEach(u -> ids.add(u.asText()));
        platform.deliverAll(ch, ids, sending(c, "multicast"), messages, c.now());
        return Reply.emptyObject();
    }

    private Reply broadcast(Call c) {
        JsonNode body = c.jsonObject();
        JsonNode messages = MessageValidator.messages(body);
        Channel ch = c.channel();
        List<String> friends = ch.friends();
        chargeQuota(ch, friends.size());
        platform.deliverAll(ch, friends, sending(c, "broadcast"), messages, c.now());
        return Reply.emptyObject();
    }

    private Reply narrowcast(Call c) {
        JsonNode body = c.jsonObject();
        JsonNode messages = MessageValidator.messages(body);
        JsonNode limit = body.path("limit");
        if (limit.path("forbidPartialDelivery").asBoolean(false) && !limit.path("upToRemainingQuota").asBoolean(false)) {
            throw ApiException.badRequest("The option forbidPartialDelivery must be used with upToRemainingQuota.");
        }
        Channel ch = c.channel();
        List<String> targets = ch.friends();
        if (limit.path("max").canConvertToInt() && limit.path("max").asInt() > 0 && limit.path("max").asInt() < targets.size()) {
            targets = targets.subList(0, limit.path("max").asInt());
        }
        boolean targeted = body.hasNonNull("recipient") || body.hasNonNull("filter");
        Narrowcast n;
        if (targeted && targets.size() < platform.config().narrowcastMinRecipients) {
            // Accepted, then fails at delivery: too few recipients (§2.3, errorCode 2).
            n = new Narrowcast(c.requestId(), c.now(), targets.size(), 0, 2, "The number of recipients is too small");
        } else {
            chargeQuota(ch, targets.size());
            platform.deliverAll(ch, targets, sending(c, "narrowcast"), messages, c.now());
            n = new Narrowcast(c.requestId(), c.now(), targets.size(), targets.size(), null, null);
        }
        if (ch.narrowcasts().size() > 10_000) {
            ch.narrowcasts().values().removeIf(x -> x.acceptedTime().isBefore(c.now().minus(Narrowcast.RETENTION)));
        }
        ch.narrowcasts().put(c.requestId(), n);
        return Reply.accepted();
    }

    private Reply progress(Call c) {
        String id = c.query("requestId");
        if (id == null || id.isBlank()) {
            throw ApiException.invalid(List.of(new Detail("May not be empty", "requestId")));
        }
        Narrowcast n = c.channel().narrowcasts().get(id);
        if (n == null || c.now().isAfter(n.acceptedTime().plus(Narrowcast.RETENTION))) {
            throw ApiException.notFound();
        }
        ObjectNode b = Json.mapper().createObjectNode();
        String phase = n.phase(c.now());
        b.put("phase", phase);
        if (!phase.equals("waiting")) {
            b.put("successCount", phase.equals("sending") ? 0 : n.successCount());
            b.put("failureCount", 0);
            b.put("targetCount", n.targetCount());
        }
        if (phase.equals("failed")) {
            b.put("failedDescription", n.failedDescription());
            b.put("errorCode", n.errorCode());
        }
        b.put("acceptedTime", Platform.iso(n.acceptedTime()));
        if (phase.equals("succeeded") || phase.equals("failed")) {
            b.put("completedTime", Platform.iso(n.completedTime()));
        }
        return Reply.ok(b);
    }

    private Reply validate(Call c) {
        if (!SEND_TYPES.contains(c.path("type"))) {
            throw ApiException.notFound();
        }
        MessageValidator.messages(c.jsonObject());
        return Reply.emptyObject();
    }

    /**
     * Counts toward the monthly limit: one per recipient reached, however many message objects the
     * request carries (that is how LINE counts "messages"). Replies are free and never charged.
     */
    private void chargeQuota(Channel ch, long messages) {
        Long limit = ch.quotaLimit();
        if (limit != null && ch.consumption().get() + messages > limit) {
            throw ApiException.line(HttpStatus.TOO_MANY_REQUESTS, "You have reached your monthly limit.");
        }
        platform.consume(ch, messages);
    }

    /** The call as the chat page shows it beside the messages it sent. */
    private static Platform.Sending sending(Call c, String via) {
        return new Platform.Sending(via, c.requestId(), c.header(io.linegate.emulator.http.ApiService.RETRY_KEY));
    }

    private static ObjectNode sentMessages(ArrayNode sent) {
        ObjectNode b = Json.mapper().createObjectNode();
        b.set("sentMessages", sent);
        return b;
    }

    // ---- quota and statistics ---------------------------------------------------------------

    private Reply quota(Call c) {
        ObjectNode b = Json.mapper().createObjectNode();
        Long limit = c.channel().quotaLimit();
        if (limit == null) {
            b.put("type", "none");
        } else {
            b.put("type", "limited");
            b.put("value", limit);
        }
        return Reply.ok(b);
    }

    private Reply consumption(Call c) {
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("totalUsage", c.channel().consumption().get());
        return Reply.ok(b);
    }

    private Reply deliveryCount(Call c) {
        String type = c.path("type");
        if (!Set.of("reply", "push", "multicast", "broadcast", "pnp").contains(type)) {
            throw ApiException.notFound();
        }
        String date = c.query("date");
        if (date == null || !date.matches("\\d{8}")) {
            throw ApiException.invalid(List.of(new Detail("Must be yyyyMMdd", "date")));
        }
        ObjectNode b = Json.mapper().createObjectNode();
        String today = Platform.jstDate(c.now());
        if (date.compareTo("20180331") < 0) {
            b.put("status", "out_of_service");
        } else if (date.compareTo(today) >= 0) {
            b.put("status", "unready");
        } else {
            b.put("status", "ready");
            b.put("success", c.channel().deliveryCount(type, date));
        }
        return Reply.ok(b);
    }

    // ---- users, bot ------------------------------------------------------------------------

    private Reply profile(Call c) {
        String userId = c.path("userId");
        User u = platform.state().users().get(userId);
        // Only users who are friends (not blocking) have a profile for the bot (§3.4: 404).
        if (u == null || !c.channel().isFriend(userId)) {
            throw ApiException.notFound();
        }
        return Reply.ok(profileJson(u));
    }

    static ObjectNode profileJson(User u) {
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("displayName", u.displayName());
        b.put("userId", u.userId());
        if (u.language() != null) {
            b.put("language", u.language());
        }
        if (u.pictureUrl() != null) {
            b.put("pictureUrl", u.pictureUrl());
        }
        if (u.statusMessage() != null) {
            b.put("statusMessage", u.statusMessage());
        }
        return b;
    }

    private Reply followers(Call c) {
        int limit = 300;
        String l = c.query("limit");
        if (l != null) {
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 1000) {
                throw ApiException.invalid(List.of(new Detail("Must be between 1 and 1000", "limit")));
            }
        }
        List<String> friends = c.channel().friends();
        int from = 0;
        String start = c.query("start");
        if (start != null) {
            try {
                from = Integer.parseInt(start);
            } catch (NumberFormatException e) {
                throw ApiException.invalid(List.of(new Detail("Invalid continuation token", "start")));
            }
        }
        ObjectNode b = Json.mapper().createObjectNode();
        ArrayNode ids = b.putArray("userIds");
        int end = Math.min(friends.size(), from + limit);
        for (int i = Math.max(0, from); i < end; i++) {
            ids.add(friends.get(i));
        }
        if (end < friends.size()) {
            b.put("next", Integer.toString(end));
        }
        return Reply.ok(b);
    }

    private Reply botInfo(Call c) {
        Channel ch = c.channel();
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("userId", ch.botUserId());
        b.put("basicId", ch.basicId());
        b.put("displayName", ch.displayName());
        b.put("chatMode", ch.settings().chatMode());
        b.put("markAsReadMode", ch.settings().markAsReadMode());
        return Reply.ok(b);
    }

    // ---- content (api-data) ------------------------------------------------------------------

    private ContentStore.Content contentOf(Call c) {
        ContentStore.Content content = platform.state().content().get(c.path("messageId"));
        if (content == null) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "not found");
        }
        if (content.unsent()) {
            throw ApiException.line(HttpStatus.GONE, "The content is gone");
        }
        return content;
    }

    private Reply content(Call c) {
        ContentStore.Content content = contentOf(c);
        return Reply.bytes(HttpStatus.OK, MediaType.parse(content.contentType()), content.bytes());
    }

    private Reply preview(Call c) {
        ContentStore.Content content = contentOf(c);
        if (!content.contentType().startsWith("image/") && !content.contentType().startsWith("video/")) {
            throw ApiException.badRequest("The content can not be previewed");
        }
        return Reply.bytes(HttpStatus.OK, MediaType.parse(content.contentType()), content.bytes());
    }

    private Reply transcoding(Call c) {
        ContentStore.Content content = contentOf(c);
        if (!content.contentType().startsWith("video/") && !content.contentType().startsWith("audio/")) {
            throw ApiException.badRequest("Transcoding status doesn't support this type of content");
        }
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("status", "succeeded");
        return Reply.ok(b);
    }

    // ---- webhook settings ----------------------------------------------------------------------

    private Reply getWebhook(Call c) {
        String url = c.channel().settings().webhookUrl();
        if (url == null) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "Webhook endpoint not found");
        }
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("endpoint", url);
        b.put("active", c.channel().settings().webhookActive());
        return Reply.ok(b);
    }

    private Reply putWebhook(Call c) {
        String url = c.jsonObject().path("endpoint").asText("");
        if (!ChannelSettings.validWebhookUrl(url, platform.config().allowPlainHttpWebhooks)) {
            throw ApiException.badRequest("Invalid webhook endpoint URL");
        }
        Channel ch = c.channel();
        ch.settings(ch.settings().withWebhookUrl(url));
        return Reply.emptyObject();
    }

    private java.util.concurrent.CompletableFuture<Reply> testWebhook(Call c) {
        Channel ch = c.channel();
        String url = ch.settings().webhookUrl();
        if (c.body().length > 0) {
            JsonNode endpoint = c.jsonObject().get("endpoint");
            if (endpoint != null && !endpoint.isNull()) {
                url = endpoint.asText();
                if (!ChannelSettings.validWebhookUrl(url, platform.config().allowPlainHttpWebhooks)) {
                    throw ApiException.badRequest("Invalid webhook endpoint URL");
                }
            }
        }
        if (url == null) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "Webhook endpoint not found");
        }
        return platform.webhooks().test(ch, url).thenApply(o -> {
            ObjectNode b = Json.mapper().createObjectNode();
            b.put("success", o.success());
            b.put("timestamp", Platform.iso(o.at()));
            b.put("statusCode", o.statusCode());
            b.put("reason", o.reason());
            b.put("detail", o.detail());
            return Reply.ok(b);
        });
    }

    // ---- misc -----------------------------------------------------------------------------------

    private Reply linkToken(Call c) {
        String userId = c.path("userId");
        if (!Ids.isUserId(userId)) {
            throw ApiException.notFound();
        }
        String token = Ids.alnum(32, true);
        Channel ch = c.channel();
        ch.linkTokens().put(token, new io.linegate.emulator.domain.LinkToken(userId, c.now().plus(io.linegate.emulator.domain.LinkToken.VALIDITY)));
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("linkToken", token);
        return Reply.ok(b);
    }

    private Reply loading(Call c) {
        JsonNode body = c.jsonObject();
        List<Detail> d = new ArrayList<>();
        String chatId = body.path("chatId").asText("");
        if (!Ids.isUserId(chatId)) { // 1:1 chats only
            d.add(new Detail("Invalid chatId", "chatId"));
        }
        if (body.has("loadingSeconds")) {
            JsonNode s = body.get("loadingSeconds");
            if (!s.canConvertToInt() || s.asInt() < 5 || s.asInt() > 60 || s.asInt() % 5 != 0) {
                d.add(new Detail("Must be a multiple of 5 between 5 and 60", "loadingSeconds"));
            }
        }
        if (!d.isEmpty()) {
            throw ApiException.invalid(d);
        }
        return Reply.accepted();
    }

    private Reply markAsRead(Call c) {
        String token = c.jsonObject().path("markAsReadToken").asText("");
        if (c.channel().markAsReadTokens().remove(token) == null) {
            throw ApiException.badRequest("Invalid markAsReadToken. Tokens must be used by the bot that received them via Webhook.");
        }
        return Reply.emptyObject();
    }

    // ---- groups and rooms ----------------------------------------------------------------------

    private Group groupOf(Call c, String kind) {
        Group g = platform.state().groups().get(c.path(kind + "Id"));
        if (g == null || g.isRoom() != kind.equals("room") || !g.botChannels().contains(c.channel().channelId())) {
            throw ApiException.notFound();
        }
        return g;
    }

    private Reply summary(Call c) {
        Group g = groupOf(c, "group");
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("groupId", g.id());
        b.put("groupName", g.name());
        if (g.pictureUrl() != null) {
            b.put("pictureUrl", g.pictureUrl());
        }
        return Reply.ok(b);
    }

    private Reply memberCount(Call c, String kind) {
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("count", groupOf(c, kind).members().size());
        return Reply.ok(b);
    }

    private Reply memberIds(Call c, String kind) {
        List<String> members = groupOf(c, kind).members();
        int from = 0;
        if (c.query("start") != null) {
            try {
                from = Integer.parseInt(c.query("start"));
            } catch (NumberFormatException e) {
                throw ApiException.invalid(List.of(new Detail("Invalid continuation token", "start")));
            }
        }
        int end = Math.min(members.size(), from + 100);
        ObjectNode b = Json.mapper().createObjectNode();
        ArrayNode ids = b.putArray("memberIds");
        for (int i = Math.max(0, from); i < end; i++) {
            ids.add(members.get(i));
        }
        if (end < members.size()) {
            b.put("next", Integer.toString(end));
        }
        return Reply.ok(b);
    }

    private Reply memberProfile(Call c, String kind) {
        Group g = groupOf(c, kind);
        String userId = c.path("userId");
        User u = platform.state().users().get(userId);
        if (u == null || !g.members().contains(userId)) {
            throw ApiException.notFound();
        }
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("displayName", u.displayName());
        b.put("userId", u.userId());
        if (u.pictureUrl() != null) {
            b.put("pictureUrl", u.pictureUrl());
        }
        return Reply.ok(b);
    }

    private Reply leave(Call c, String kind) {
        Group g = groupOf(c, kind);
        g.botChannels().remove(c.channel().channelId());
        ObjectNode e = platform.event("leave", Platform.chatSource(g, null));
        platform.emit(c.channel(), List.of(e));
        return Reply.emptyObject();
    }

}
