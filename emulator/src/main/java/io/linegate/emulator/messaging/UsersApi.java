package io.linegate.emulator.messaging;

import static com.linecorp.armeria.common.HttpMethod.GET;
import static com.linecorp.armeria.common.HttpMethod.POST;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.linegate.core.Json;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.domain.ApiException.Detail;
import io.linegate.emulator.domain.Channel;
import io.linegate.emulator.domain.Ids;
import io.linegate.emulator.domain.LinkToken;
import io.linegate.emulator.domain.Platform;
import io.linegate.emulator.domain.User;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.util.List;

/** Users (Messaging API reference, "Users" and "Account link"): profiles, follower ids, link tokens. */
final class UsersApi {
    private final Platform platform;

    UsersApi(Platform platform) {
        this.platform = platform;
    }

    void register(Router r) {
        r.on(GET, "/v2/bot/profile/{userId}").to(this::profile);
        r.on(GET, "/v2/bot/followers/ids").to(this::followers);
        r.on(POST, "/v2/bot/user/{userId}/linkToken").to(this::linkToken);
    }

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

    private Reply linkToken(Call c) {
        String userId = c.path("userId");
        if (!Ids.isUserId(userId)) {
            throw ApiException.notFound();
        }
        String token = Ids.alnum(32, true);
        Channel ch = c.channel();
        ch.linkTokens().put(token, new LinkToken(userId, c.now().plus(LinkToken.VALIDITY)));
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("linkToken", token);
        return Reply.ok(b);
    }
}
