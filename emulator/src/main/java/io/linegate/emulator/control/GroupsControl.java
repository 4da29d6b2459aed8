package io.linegate.emulator.control;

import static com.linecorp.armeria.common.HttpMethod.DELETE;
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
import io.linegate.emulator.domain.Group;
import io.linegate.emulator.domain.Ids;
import io.linegate.emulator.domain.Platform;
import io.linegate.emulator.domain.UserActions;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The control API's groups and rooms: create and list them, members join and leave, the bot is
 * invited or removed, and members play their part: messages, postbacks, unsend; the inbox.
 */
final class GroupsControl {
    private static final String PREFIX = ControlApi.PREFIX;
    private final Control control;
    private final Platform platform;
    private final UserActions actions;

    GroupsControl(Control control) {
        this.control = control;
        this.platform = control.platform;
        this.actions = new UserActions(platform);
    }

    void register(Router r) {
        r.on(POST, PREFIX + "/groups").control().to(control.admitting(this::createGroup));
        r.on(GET, PREFIX + "/groups").control().to(this::listGroups);
        r.on(POST, PREFIX + "/groups/{groupId}/messages").control().to(control.admitting(this::message));
        r.on(POST, PREFIX + "/groups/{groupId}/postback").control().to(control.admitting(c -> {
            Group g = control.group(c);
            JsonNode b = c.jsonObject();
            return Reply.ok(Control.eventSummary(actions.postback(control.channel(c), Control.member(g, b), g, b), null));
        }));
        r.on(POST, PREFIX + "/groups/{groupId}/unsend").control().to(control.admitting(c -> {
            Group g = control.group(c);
            JsonNode b = c.jsonObject();
            return Reply.ok(Control.eventSummary(actions.unsend(control.channel(c), Control.member(g, b), g,
                    b.path("messageId").asText("")), null));
        }));
        r.on(POST, PREFIX + "/groups/{groupId}/members").control().to(control.admitting(this::membersJoin));
        r.on(DELETE, PREFIX + "/groups/{groupId}/members/{userId}").control().to(control.admitting(this::memberLeave));
        r.on(POST, PREFIX + "/groups/{groupId}/bot").control().to(control.admitting(c -> botJoinsOrLeaves(c, true)));
        r.on(DELETE, PREFIX + "/groups/{groupId}/bot").control().to(control.admitting(c -> botJoinsOrLeaves(c, false)));
        r.on(GET, PREFIX + "/groups/{groupId}/inbox").control().to(c -> control.inbox(c, c.path("groupId")));
    }

    private Reply createGroup(Call c) {
        JsonNode b = Control.body(c);
        boolean room = "room".equals(b.path("type").asText("group"));
        Group g = new Group(room ? Ids.roomId() : Ids.groupId(), room, b.path("name").asText(room ? null : "Group"),
                Control.text(b, "pictureUrl"));
        for (JsonNode m : b.path("members")) {
            if (!platform.state().users().containsKey(m.asText())) {
                throw ApiException.line(HttpStatus.NOT_FOUND, "User not found: " + m.asText());
            }
            g.members().add(m.asText());
        }
        Channel ch = control.channel(c);
        g.botChannels().add(ch.channelId());
        platform.state().groups().put(g.id(), g);
        platform.emit(ch, List.of(platform.event("join", Platform.chatSource(g, null))));
        ObjectNode out = Json.mapper().createObjectNode();
        out.put(room ? "roomId" : "groupId", g.id());
        out.put("groupId", g.id());
        return Reply.ok(out);
    }

    /** A member's message: the body is the message with {@code userId}, or media's bytes with {@code ?userId=}. */
    private Reply message(Call c) {
        Group g = control.group(c);
        MediaUpload upload = MediaUpload.of(c);
        JsonNode m = upload == null ? c.jsonObject() : upload.message();
        ObjectNode e = actions.message(control.channel(c), m.path("userId").asText(""), g, m,
                upload == null ? null : upload.content());
        return Reply.ok(Control.eventSummary(e, e.path("message").path("id").asText()));
    }

    /** Groups and rooms with their members and whether the selected channel's bot is in them. */
    private Reply listGroups(Call c) {
        Channel ch = control.channel(c);
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode a = out.putArray("groups");
        platform.state().groups().values().stream()
                .sorted(Comparator.comparing(Group::id))
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
        Group g = control.group(c);
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
        Group g = control.group(c);
        String userId = c.path("userId");
        if (!g.members().remove(userId)) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "Not a member of the group");
        }
        return Reply.ok(memberEvent(c, g, "memberLeft", "left", List.of(userId)));
    }

    private ObjectNode memberEvent(Call c, Group g, String type, String field, List<String> userIds) {
        Channel ch = control.channel(c);
        if (!g.botChannels().contains(ch.channelId())) {
            return Json.mapper().createObjectNode(); // the bot is not there to hear of it
        }
        ObjectNode e = platform.event(type, Platform.chatSource(g, null));
        ArrayNode members = e.putObject(field).putArray("members");
        for (String id : userIds) {
            members.addObject().put("type", "user").put("userId", id);
        }
        platform.emit(ch, List.of(e));
        return Control.eventSummary(e, null);
    }

    /** A member invites the selected channel's bot ({@code join} event) or removes it ({@code leave} event). */
    private Reply botJoinsOrLeaves(Call c, boolean join) {
        Group g = control.group(c);
        Channel ch = control.channel(c);
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
        return Reply.ok(Control.eventSummary(e, null));
    }
}
