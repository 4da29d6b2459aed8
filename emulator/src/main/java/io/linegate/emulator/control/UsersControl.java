package io.linegate.emulator.control;

import static com.linecorp.armeria.common.HttpMethod.GET;
import static com.linecorp.armeria.common.HttpMethod.POST;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.linegate.core.Json;
import io.linegate.emulator.domain.AccountLink;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.domain.ApiException.Detail;
import io.linegate.emulator.domain.Channel;
import io.linegate.emulator.domain.Ids;
import io.linegate.emulator.domain.Platform;
import io.linegate.emulator.domain.Relation;
import io.linegate.emulator.domain.User;
import io.linegate.emulator.domain.UserActions;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The control API's users: create them (one by one, or a million for a load test), list them with
 * their relation to the channel, and play them in their one-to-one chat: befriend, block, unblock,
 * send messages (JSON, or media's bytes), postbacks, unsend, confirm an account link, read the inbox.
 */
final class UsersControl {
    static final int MAX_BULK_USERS = 1_000_000;
    private static final String PREFIX = ControlApi.PREFIX;
    private final Control control;
    private final Platform platform;
    private final UserActions actions;

    UsersControl(Control control) {
        this.control = control;
        this.platform = control.platform;
        this.actions = new UserActions(platform);
    }

    void register(Router r) {
        r.on(POST, PREFIX + "/users").control().to(this::createUser);
        r.on(GET, PREFIX + "/users").control().to(this::listUsers);
        r.on(POST, PREFIX + "/users/bulk").control().to(this::bulkUsers);
        r.on(POST, PREFIX + "/users/{userId}/follow").control().to(control.admitting(c -> follow(c, false)));
        r.on(POST, PREFIX + "/users/{userId}/unblock").control().to(control.admitting(c -> follow(c, true)));
        r.on(POST, PREFIX + "/users/{userId}/block").control().to(control.admitting(this::block));
        r.on(POST, PREFIX + "/users/{userId}/messages").control().to(control.admitting(this::message));
        r.on(POST, PREFIX + "/users/{userId}/postback").control().to(control.admitting(c -> Reply.ok(Control.eventSummary(
                actions.postback(control.channel(c), control.user(c).userId(), null, c.jsonObject()), null))));
        r.on(POST, PREFIX + "/users/{userId}/unsend").control().to(control.admitting(c -> Reply.ok(Control.eventSummary(
                actions.unsend(control.channel(c), control.user(c).userId(), null, c.jsonObject().path("messageId").asText("")), null))));
        r.on(POST, PREFIX + "/users/{userId}/accountLink").control().to(control.admitting(this::accountLink));
        r.on(GET, PREFIX + "/users/{userId}/inbox").control().to(c -> control.inbox(c, c.path("userId")));
    }

    private Reply createUser(Call c) {
        JsonNode b = Control.body(c);
        String id = b.hasNonNull("userId") ? b.get("userId").asText() : Ids.userId();
        if (!Ids.isUserId(id)) {
            throw ApiException.invalid(List.of(new Detail("Must match ^U[0-9a-f]{32}$", "userId")));
        }
        User u = new User(id, b.path("displayName").asText("User"), Control.text(b, "pictureUrl"), Control.text(b, "statusMessage"),
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
        JsonNode b = Control.body(c);
        List<Detail> d = new ArrayList<>();
        long start = b.hasNonNull("start") ? Control.integer(b.get("start"), -1) : 0;
        if (start < 0) {
            d.add(new Detail("Must be an integer >= 0", "start"));
        }
        long count = Control.integer(b.path("count"), 0);
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
            channels.add(control.channel(c));
        }
        if (!d.isEmpty()) {
            throw ApiException.invalid(d);
        }
        String name = b.path("displayName").asText("User"); // one shared String: no per-user copy
        Map<String, User> users = platform.state().users();
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
        Channel ch = control.channel(c);
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode a = out.putArray("users");
        platform.state().users().values().stream()
                .sorted(Comparator.comparing(User::userId))
                .forEach(u -> {
                    ObjectNode o = a.addObject();
                    o.put("userId", u.userId());
                    o.put("displayName", u.displayName());
                    o.put("relation", ch.relation(u.userId()).name());
                });
        return Reply.ok(out);
    }

    private Reply follow(Call c, boolean unblock) {
        User u = control.user(c);
        Channel ch = control.channel(c);
        if (unblock && ch.relation(u.userId()) != Relation.BLOCKED) {
            throw ApiException.badRequest("The user has not blocked the bot");
        }
        if (!unblock && ch.relation(u.userId()) == Relation.FRIEND) {
            throw ApiException.badRequest("The user is already a friend");
        }
        ObjectNode e = platform.follow(ch, u.userId(), unblock || ch.relation(u.userId()) == Relation.BLOCKED);
        return Reply.ok(Control.eventSummary(e, null));
    }

    private Reply block(Call c) {
        User u = control.user(c);
        Channel ch = control.channel(c);
        if (ch.relation(u.userId()) != Relation.FRIEND) {
            throw ApiException.badRequest("The user is not a friend");
        }
        return Reply.ok(Control.eventSummary(platform.block(ch, u.userId()), null));
    }

    /**
     * A message as the user sends it: the body is the message as JSON, media as {@code contentBase64};
     * or, with {@code ?type=image|video|audio|file} (and {@code fileName}, {@code duration}), the
     * media's bytes themselves under their own content type, as the chat page uploads them.
     */
    private Reply message(Call c) {
        User u = control.user(c);
        MediaUpload upload = MediaUpload.of(c);
        JsonNode m = upload == null ? c.jsonObject() : upload.message();
        ObjectNode e = actions.message(control.channel(c), u.userId(), null, m, upload == null ? null : upload.content());
        return Reply.ok(Control.eventSummary(e, e.path("message").path("id").asText()));
    }

    /**
     * The user opens {@code access.line.me/dialog/bot/accountLink?linkToken&nonce} (Messaging API docs, "Link user accounts"):
     * the token's own user gets an {@code ok} event with a reply token; anyone else a {@code failed}
     * event without source or reply token; an unknown, expired or used token no webhook at all.
     */
    private Reply accountLink(Call c) {
        User u = control.user(c);
        JsonNode b = c.jsonObject();
        ObjectNode e = AccountLink.link(platform, control.channel(c), u.userId(),
                b.path("linkToken").asText(""), b.path("nonce").asText(""), c.now());
        return Reply.ok(Control.eventSummary(e, null));
    }
}
