package io.linegate.emulator.messaging;

import static com.linecorp.armeria.common.HttpMethod.GET;
import static com.linecorp.armeria.common.HttpMethod.POST;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.linegate.core.Json;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.domain.ApiException.Detail;
import io.linegate.emulator.domain.Channel;
import io.linegate.emulator.domain.Conversation;
import io.linegate.emulator.domain.Ids;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.RateLimiter.Limit;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.util.ArrayList;
import java.util.List;

/**
 * The bot itself and its chats (Messaging API reference, "Bot" and "Chat"): its info, the loading
 * animation, marking users' messages as read.
 */
final class BotApi {
    void register(Router r) {
        r.on(GET, "/v2/bot/info").to(this::botInfo);
        r.on(POST, "/v2/bot/chat/loading/start").limit(Limit.LOADING).to(this::loading);
        r.on(POST, "/v2/bot/chat/markAsRead").to(this::markAsRead);
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
        Conversation.ReadToken read = c.channel().markAsReadTokens().remove(token);
        if (read == null) {
            throw ApiException.badRequest("Invalid markAsReadToken. Tokens must be used by the bot that received them via Webhook.");
        }
        if (read.chat() != null) {
            read.chat().markRead(read.seq()); // that message and the user's earlier ones show "Read"
        }
        return Reply.emptyObject();
    }
}
