package io.linegate.emulator.messaging;

import static com.linecorp.armeria.common.HttpMethod.GET;
import static com.linecorp.armeria.common.HttpMethod.POST;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.linegate.core.Json;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.domain.ApiException.Detail;
import io.linegate.emulator.domain.Group;
import io.linegate.emulator.domain.Platform;
import io.linegate.emulator.domain.User;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.util.List;

/**
 * Group chats and multi-person chats (Messaging API reference, "Group chats" and "Multi-person
 * chats"): summary, member counts, ids and profiles, and leaving.
 */
final class GroupChatsApi {
    private final Platform platform;

    GroupChatsApi(Platform platform) {
        this.platform = platform;
    }

    void register(Router r) {
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
