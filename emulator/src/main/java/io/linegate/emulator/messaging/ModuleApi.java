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
import io.linegate.emulator.domain.Modules;
import io.linegate.emulator.domain.Platform;
import io.linegate.emulator.domain.Relation;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.RateLimiter.Limit;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * The module channel's own operations ({@code module.yml}; partner docs, "Module channel API"), with
 * the module channel's channel access token: the bots it is attached to ({@code GET /v2/bot/list},
 * {@code limit} at most 100, a {@code next} continuation token), detaching itself from one
 * ({@code POST /v2/bot/channel/detach}), and the initiative of a chat of the bot named by
 * {@code X-Line-Bot-Id} ("Control chat initiative (Chat Control)"): acquire (the module becomes the
 * Active Channel of the chat, for {@code ttl} seconds, 3600 by default, at most a year, or without a
 * limit when {@code expired} is false; the bot's webhook then gets the chat's events in {@code standby}
 * mode without reply tokens and the module's in {@code active} mode with them) and release (back to the
 * bot, the Primary Channel). The module's webhook gets {@code activated} and {@code deactivated} events.
 * A bot's token is refused (401), as on LINE these operations belong to module channels.
 * Rate limits are not published for these endpoints (UNCONFIRMED: the default 2,000 requests per second).
 */
final class ModuleApi {
    static final int MAX_LIMIT = 100;
    private static final String AUTH_FAILED = "Authentication failed. Confirm that the access token in the authorization header is valid.";
    private final Platform platform;

    ModuleApi(Platform platform) {
        this.platform = platform;
    }

    void register(Router r) {
        r.on(GET, "/v2/bot/list").authenticatedBy(c -> module(c).channelId()).limit(Limit.DEFAULT).to(this::bots);
        r.on(POST, "/v2/bot/channel/detach").authenticatedBy(c -> module(c).channelId()).limit(Limit.DEFAULT).to(this::detach);
        r.on(POST, "/v2/bot/chat/{chatId}/control/acquire").authenticatedBy(c -> module(c).channelId()).limit(Limit.DEFAULT)
                .to(this::acquire);
        r.on(POST, "/v2/bot/chat/{chatId}/control/release").authenticatedBy(c -> module(c).channelId()).limit(Limit.DEFAULT)
                .to(this::release);
    }

    /** The module channel whose channel access token authorizes the call; any other token is a 401. */
    private Modules.Module module(Call c) {
        String auth = c.header("authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiException.line(HttpStatus.UNAUTHORIZED, "Authorization header required. Must follow the scheme, 'Authorization: Bearer <ACCESS TOKEN>'");
        }
        Modules.Module m = platform.modules().module(platform.tokens().ownerOf(auth.substring(7).strip(), c.now()));
        if (m == null) {
            throw ApiException.line(HttpStatus.UNAUTHORIZED, AUTH_FAILED);
        }
        return m;
    }

    private Reply bots(Call c) {
        Modules.Module m = module(c);
        int limit = MAX_LIMIT;
        String l = c.query("limit");
        if (l != null) {
            if (!l.matches("\\d{1,9}") || Integer.parseInt(l) < 1 || Integer.parseInt(l) > MAX_LIMIT) {
                throw ApiException.invalid(List.of(new Detail("Must be between 1 and " + MAX_LIMIT, "limit")));
            }
            limit = Integer.parseInt(l);
        }
        List<Modules.Attachment> all = m.attachments();
        int from = 0;
        String start = c.query("start");
        if (start != null) {
            from = -1;
            String botId = decode(start);
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).bot().botUserId().equals(botId)) {
                    from = i;
                }
            }
            if (from < 0) {
                // UNCONFIRMED wording: a continuation token this module was never given (or whose bot was detached since).
                throw ApiException.invalid(List.of(new Detail("Invalid continuation token", "start")));
            }
        }
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode bots = out.putArray("bots");
        int to = Math.min(all.size(), from + limit);
        for (Modules.Attachment a : all.subList(from, to)) {
            Channel b = a.bot();
            ObjectNode o = bots.addObject();
            o.put("userId", b.botUserId());
            o.put("basicId", b.basicId());
            o.put("displayName", b.displayName());
            // No premiumId and no pictureUrl: the emulator's bots have neither (both are omitted when unset).
        }
        if (to < all.size()) {
            out.put("next", encode(all.get(to).bot().botUserId()));
        }
        return Reply.ok(out);
    }

    private static String encode(String botId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(botId.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String token) {
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private Reply detach(Call c) {
        Modules.Module m = module(c);
        JsonNode b = c.request().content().isEmpty() ? Json.mapper().createObjectNode() : c.jsonObject();
        String botId = b.path("botId").asText("");
        if (botId.isEmpty()) {
            throw ApiException.invalid(List.of(new Detail("May not be empty", "botId")));
        }
        if (!platform.modules().detach(m, botId)) {
            // UNCONFIRMED status and wording: a bot the module is not attached to.
            throw ApiException.line(HttpStatus.BAD_REQUEST, "The module channel is not attached to this bot",
                    List.of(new Detail("Not attached", "botId")));
        }
        // No event: the detached event is documented for a deleted bot (reason bot_deleted) only.
        return Reply.emptyObject();
    }

    /** The bot the call names, and its chat {@code chatId}: a user who has a relation with it, or a group or room it is in. */
    private Modules.Attachment chat(Call c, Modules.Module m) {
        Modules.Attachment a = Modules.acting(m, c.header(Modules.BOT_ID_HEADER));
        String chatId = c.path("chatId");
        boolean wellFormed = Ids.isUserId(chatId) || chatId.matches("[CR][0-9a-f]{32}");
        if (!wellFormed) {
            // UNCONFIRMED wording.
            throw ApiException.invalid(List.of(new Detail("Must be a user, group or room ID", "chatId")));
        }
        boolean known = Ids.isUserId(chatId) ? platform.state().users().containsKey(chatId)
                && a.bot().relation(chatId) != Relation.NONE
                : platform.reachable(a.bot(), chatId);
        if (!known) {
            // UNCONFIRMED status and wording: not a chat of this bot.
            throw ApiException.line(HttpStatus.NOT_FOUND, "Not found", List.of(new Detail("Not a chat of this bot", "chatId")));
        }
        return a;
    }

    private Reply acquire(Call c) {
        Modules.Module m = module(c);
        Modules.Attachment a = chat(c, m);
        JsonNode b = c.request().content().isEmpty() ? Json.mapper().createObjectNode() : c.jsonObject();
        boolean expires = b.path("expired").asBoolean(true);
        long ttl = b.has("ttl") ? b.get("ttl").asLong() : Modules.DEFAULT_TTL;
        if (b.has("ttl") && (!b.get("ttl").canConvertToLong() || ttl < 1 || ttl > Modules.MAX_TTL)) {
            throw ApiException.invalid(List.of(new Detail("Must be between 1 and " + Modules.MAX_TTL, "ttl")));
        }
        Instant now = c.now();
        Instant expireAt = expires ? now.plusSeconds(ttl) : null;
        String chatId = c.path("chatId");
        String before = platform.modules().acquire(m, a.bot(), chatId, expireAt, now);
        if (before != null && !before.equals(m.channelId())) {
            Modules.Attachment previous = platform.modules().module(before).attachment(a.bot().botUserId());
            if (previous != null) {
                platform.emitTo(previous.view(), List.of(controlEvent("deactivated", a.bot(), chatId, null)));
            }
        }
        platform.emitTo(a.view(), List.of(controlEvent("activated", a.bot(), chatId, expireAt)));
        return Reply.emptyObject();
    }

    private Reply release(Call c) {
        Modules.Module m = module(c);
        Modules.Attachment a = chat(c, m);
        String chatId = c.path("chatId");
        if (!platform.modules().release(m, a.bot(), chatId, c.now())) {
            // UNCONFIRMED status and wording: the module is not the Active Channel of the chat.
            throw ApiException.line(HttpStatus.BAD_REQUEST, "The module channel is not the Active Channel of this chat");
        }
        platform.emitTo(a.view(), List.of(controlEvent("deactivated", a.bot(), chatId, null)));
        return Reply.emptyObject();
    }

    /**
     * {@code activated} (with {@code chatControl.expireAt}, ms; UNCONFIRMED: what it holds without a
     * time limit, here -1) or {@code deactivated}, with the chat as its source.
     */
    private ObjectNode controlEvent(String type, Channel bot, String chatId, Instant expireAt) {
        ObjectNode source = Ids.isUserId(chatId) ? Platform.userSource(chatId)
                : Platform.chatSource(platform.state().groups().get(chatId), null);
        ObjectNode e = platform.event(type, source);
        if (type.equals("activated")) {
            e.putObject("chatControl").put("expireAt", expireAt == null ? -1 : expireAt.toEpochMilli());
        }
        return e;
    }
}
