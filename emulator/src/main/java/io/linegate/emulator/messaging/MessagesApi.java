package io.linegate.emulator.messaging;

import static com.linecorp.armeria.common.HttpMethod.GET;
import static com.linecorp.armeria.common.HttpMethod.POST;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpStatus;
import io.linegate.core.Json;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.domain.ApiException.Detail;
import io.linegate.emulator.domain.Channel;
import io.linegate.emulator.domain.Ids;
import io.linegate.emulator.domain.MessageValidator;
import io.linegate.emulator.domain.Narrowcast;
import io.linegate.emulator.domain.Platform;
import io.linegate.emulator.domain.ReplyTokens;
import io.linegate.emulator.http.ApiService;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.RateLimiter.Limit;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Messages (Messaging API reference, "Messages"): reply, push, multicast, broadcast and narrowcast
 * (with its progress), validation of message objects, the monthly quota and its consumption, and the
 * daily counts of sent messages.
 */
final class MessagesApi {
    private static final Set<String> SEND_TYPES = Set.of("reply", "push", "multicast", "narrowcast", "broadcast");
    private final Platform platform;

    MessagesApi(Platform platform) {
        this.platform = platform;
    }

    void register(Router r) {
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
        r.on(GET, "/v2/bot/message/aggregation/info").to(this::unitsUsed);
        r.on(GET, "/v2/bot/message/aggregation/list").to(this::unitNames);
    }

    /**
     * The aggregation unit of a push or multicast ({@code customAggregationUnits}: at most one name of
     * 1 to 30 letters, digits and underscores), assigned for this month; null when none is given or the
     * month's 1,000 are used up (the message is then sent without one, as LINE does).
     */
    private static String unit(Call c, JsonNode body) {
        JsonNode units = body.get("customAggregationUnits");
        if (units == null || units.isNull()) {
            return null;
        }
        if (!units.isArray() || units.size() > 1) {
            throw ApiException.invalid(List.of(new Detail("Size must be between 0 and 1", "customAggregationUnits")));
        }
        if (units.isEmpty()) {
            return null;
        }
        String name = units.get(0).isTextual() ? units.get(0).asText() : "";
        if (!name.matches("[a-zA-Z0-9_]{1,30}")) {
            throw ApiException.invalid(List.of(new Detail("Must match \"^[a-zA-Z0-9_]{1,30}$\"", "customAggregationUnits[0]")));
        }
        return c.channel().aggregationUnits().assign(name, c.now()) ? name : null;
    }

    /** {@code GET /v2/bot/message/aggregation/info}: the units used this month. */
    private Reply unitsUsed(Call c) {
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("numOfCustomAggregationUnits", c.channel().aggregationUnits().thisMonth(c.now()).size());
        return Reply.ok(out);
    }

    /** {@code GET /v2/bot/message/aggregation/list}: their names, {@code limit} at a time (100 by default, at most 100), with {@code next}. */
    private Reply unitNames(Call c) {
        List<String> all = c.channel().aggregationUnits().thisMonth(c.now());
        int limit = 100;
        String l = c.query("limit");
        if (l != null) {
            if (!l.matches("\\d{1,9}") || Integer.parseInt(l) < 1 || Integer.parseInt(l) > 100) {
                // UNCONFIRMED: the reference gives no default or maximum; 100, as the other paged lists.
                throw ApiException.invalid(List.of(new Detail("Must be between 1 and 100", "limit")));
            }
            limit = Integer.parseInt(l);
        }
        int from = 0;
        String start = c.query("start");
        if (start != null) {
            from = start.matches("\\d{1,9}") ? Integer.parseInt(start) : -1;
            if (from < 0 || from > all.size()) {
                throw ApiException.invalid(List.of(new Detail("Invalid continuation token", "start")));
            }
        }
        int to = Math.min(all.size(), from + limit);
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode names = out.putArray("customAggregationUnits");
        all.subList(from, to).forEach(names::add);
        if (to < all.size()) {
            out.put("next", Integer.toString(to));
        }
        return Reply.ok(out);
    }

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
        String unit = unit(c, body);
        boolean reach = platform.reachable(ch, chatId);
        chargeQuota(ch, reach ? 1 : 0);
        ArrayNode sent = platform.deliver(ch, chatId, sending(c, "push"), messages, c.now());
        if (unit != null) {
            ch.engagement().sent(c.requestId(), "push", unit, c.now(), Ids.isUserId(chatId) ? Set.of(chatId) : null,
                    reach ? 1 : 0, messages.size());
        }
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
        String unit = unit(c, body);
        Set<String> friends = new HashSet<>();
        for (JsonNode u : to) {
            if (ch.isFriend(u.asText())) {
                friends.add(u.asText());
            }
        }
        chargeQuota(ch, friends.size());
        List<String> ids = new ArrayList<>(to.size());
        to.forEach(u -> ids.add(u.asText()));
        long reached = platform.deliverAll(ch, ids, sending(c, "multicast"), messages, c.now());
        if (unit != null) {
            ch.engagement().sent(c.requestId(), "multicast", unit, c.now(), friends, reached, messages.size());
        }
        return Reply.emptyObject();
    }

    private Reply broadcast(Call c) {
        JsonNode body = c.jsonObject();
        JsonNode messages = MessageValidator.messages(body);
        Channel ch = c.channel();
        List<String> friends = ch.friends();
        chargeQuota(ch, friends.size());
        long reached = platform.deliverAll(ch, friends, sending(c, "broadcast"), messages, c.now());
        ch.engagement().sent(c.requestId(), "broadcast", c.now(), null, reached, messages.size());
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
        NarrowcastTargets.Result r = new NarrowcastTargets(ch, platform.state().demographics(),
                platform.config().narrowcastMinRecipients).evaluate(body, c.now());
        List<String> targets = r.targets();
        Narrowcast n;
        if (r.errorCode() != null) {
            // Accepted, then fails at delivery (errorCode 2: too few recipients, 4: an audience too small).
            n = new Narrowcast(c.requestId(), c.now(), targets.size(), 0, r.errorCode(), r.failedDescription());
        } else {
            chargeQuota(ch, targets.size());
            long reached = platform.deliverAll(ch, targets, sending(c, "narrowcast"), messages, c.now());
            ch.engagement().sent(c.requestId(), "narrowcast", c.now(), new HashSet<>(targets), reached, messages.size());
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
        return new Platform.Sending(via, c.requestId(), c.header(ApiService.RETRY_KEY));
    }

    private static ObjectNode sentMessages(ArrayNode sent) {
        ObjectNode b = Json.mapper().createObjectNode();
        b.set("sentMessages", sent);
        return b;
    }


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
}
