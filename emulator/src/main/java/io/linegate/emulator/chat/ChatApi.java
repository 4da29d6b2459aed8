package io.linegate.emulator.chat;

import static com.linecorp.armeria.common.HttpMethod.GET;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import io.linegate.core.Json;
import io.linegate.emulator.domain.ApiException.Detail;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.domain.Channel;
import io.linegate.emulator.domain.ContentStore;
import io.linegate.emulator.domain.Conversation;
import io.linegate.emulator.domain.Group;
import io.linegate.emulator.domain.Platform;
import io.linegate.emulator.domain.User;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * What the chat page reads: who there is to play (users, groups), one chat's transcript, the content
 * users sent and the rich menu linked to a user. Everything the page <em>does</em> goes through the
 * control API, so that a user's action on the page is exactly the control API's.
 */
final class ChatApi {
    static final String PREFIX = "/chat/v1";
    /** The page lists at most this many users (a load test may have made a million); a search narrows them. */
    static final int MAX_USERS_LISTED = 200;
    static final int MAX_GROUPS_LISTED = 200;
    /** Shown in the page as they are; anything else is downloaded, never rendered (it is user-supplied). */
    private static final Set<String> INLINE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp",
            "video/mp4", "video/webm", "audio/mpeg", "audio/mp4", "audio/x-m4a", "audio/aac", "audio/ogg", "audio/wav",
            "audio/webm");
    private final Platform platform;

    ChatApi(Platform platform) {
        this.platform = platform;
    }

    void register(Router r) {
        r.on(GET, PREFIX + "/directory").control().to(this::directory);
        r.on(GET, PREFIX + "/users/{userId}").control().to(this::user);
        r.on(GET, PREFIX + "/chats/{chatId}/transcript").control().to(this::transcript);
        r.on(GET, PREFIX + "/content/{messageId}").control().to(this::content);
        r.on(GET, PREFIX + "/richmenus/{richMenuId}/image").control().to(this::richMenuImage);
    }

    private Channel channel(Call c) {
        return platform.channel(c.query("channelId"));
    }

    /**
     * The selected channel (and the others), users with their relation to it (at most
     * {@value #MAX_USERS_LISTED}, those matching {@code q} in their id or name), and groups and rooms.
     */
    private Reply directory(Call c) {
        Channel ch = channel(c);
        ObjectNode out = Json.mapper().createObjectNode();
        out.set("channel", channelJson(ch));
        ArrayNode channels = out.putArray("channels");
        for (Channel other : platform.state().channels()) {
            channels.add(channelJson(other).put("default", other == platform.state().defaultChannel()));
        }
        String q = c.query("q") == null ? "" : c.query("q").strip().toLowerCase(Locale.ROOT);
        Comparator<User> order = Comparator.comparing((User u) -> u.displayName().toLowerCase(Locale.ROOT))
                .thenComparing(User::userId);
        // The first MAX_USERS_LISTED in order, without sorting them all.
        PriorityQueue<User> first = new PriorityQueue<>(order.reversed());
        long matching = 0;
        for (User u : platform.state().users().values()) {
            if (!q.isEmpty() && !u.userId().toLowerCase(Locale.ROOT).startsWith(q)
                    && !u.displayName().toLowerCase(Locale.ROOT).contains(q)) {
                continue;
            }
            matching++;
            first.add(u);
            if (first.size() > MAX_USERS_LISTED) {
                first.poll();
            }
        }
        List<User> users = first.stream().sorted(order).toList();
        ArrayNode a = out.putArray("users");
        for (User u : users) {
            a.add(userJson(ch, u));
        }
        out.put("usersMatching", matching);
        out.put("usersTotal", platform.state().users().size());
        ArrayNode groups = out.putArray("groups");
        platform.state().groups().values().stream().sorted(Comparator.comparing(Group::id)).limit(MAX_GROUPS_LISTED)
                .forEach(g -> groups.add(groupJson(ch, g)));
        out.put("inboxLimit", platform.config().inboxLimit);
        return Reply.ok(out);
    }

    /** One user: relation, the groups and rooms they are in, and the rich menu linked to them (or the default). */
    private Reply user(Call c) {
        Channel ch = channel(c);
        User u = platform.state().users().get(c.path("userId"));
        if (u == null) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "User not found");
        }
        ObjectNode out = userJson(ch, u);
        ArrayNode groups = out.putArray("groups");
        platform.state().groups().values().stream().filter(g -> g.members().contains(u.userId()))
                .sorted(Comparator.comparing(Group::id)).limit(MAX_GROUPS_LISTED)
                .forEach(g -> groups.add(groupJson(ch, g)));
        out.set("richMenu", richMenu(ch, u.userId()));
        return Reply.ok(out);
    }

    /** The rich menu the user sees: the one linked to them, else the channel's default, else null. */
    private JsonNode richMenu(Channel ch, String userId) {
        JsonNode id = ch.objects().get("richmenu-user:" + userId);
        if (id == null) {
            id = ch.objects().get("richmenu-default");
        }
        JsonNode menu = id == null ? null : ch.objects().get("richmenu:" + id.asText());
        if (menu == null) {
            return null;
        }
        ObjectNode m = menu.deepCopy();
        m.put("hasImage", imageOf(ch, id.asText()) != null);
        return m;
    }

    /** The chat's items after {@code after} (a sequence number), oldest first, and how far the bot has read. */
    private Reply transcript(Call c) {
        Channel ch = channel(c);
        long after = 0;
        if (c.query("after") != null) {
            try {
                after = Long.parseLong(c.query("after"));
            } catch (NumberFormatException e) {
                throw ApiException.invalid(List.of(new Detail("Must be a number", "after")));
            }
        }
        Conversation chat = ch.conversationIfPresent(c.path("chatId"));
        return Reply.bytes(HttpStatus.OK, MediaType.JSON_UTF_8, chat == null ? ChatJson.transcript(List.of(), 0)
                : ChatJson.transcript(chat.transcript(after), chat.readUpTo()));
    }

    /**
     * Content a user sent, for the page to show. It is user-supplied, served from the page's own
     * origin: only media types are served inline, anything else as an attachment, never sniffed and
     * sandboxed, so that an "image" that is really HTML cannot run in the page's origin.
     */
    private Reply content(Call c) {
        ContentStore.Content content = platform.state().content().get(c.path("messageId"));
        if (content == null || content.unsent()) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "not found");
        }
        String type = content.contentType() == null ? "" : content.contentType().toLowerCase(Locale.ROOT);
        boolean inline = INLINE_TYPES.contains(type);
        Reply r = Reply.bytes(HttpStatus.OK, inline ? MediaType.parse(type) : MediaType.OCTET_STREAM, content.bytes());
        if (!inline) {
            r.header("content-disposition", "attachment");
        }
        return safe(r);
    }

    /** A rich menu's image as the bot uploaded it, served only if it is really a PNG or a JPEG. */
    private Reply richMenuImage(Call c) {
        byte[] image = imageOf(channel(c), c.path("richMenuId"));
        if (image == null) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "no image");
        }
        return safe(Reply.bytes(HttpStatus.OK, isPng(image) ? MediaType.PNG : MediaType.JPEG, image));
    }

    private static Reply safe(Reply r) {
        return r.header("x-content-type-options", "nosniff")
                .header("content-security-policy", "sandbox; default-src 'none'")
                .header("cache-control", "no-store");
    }

    /** The image uploaded with Upload rich menu image (stored by the spec's operation), if PNG or JPEG. */
    private static byte[] imageOf(Channel ch, String richMenuId) {
        JsonNode stored = ch.objects().get("op:POST /v2/bot/richmenu/" + richMenuId + "/content");
        if (!(stored instanceof BinaryNode b)) {
            return null;
        }
        byte[] bytes = b.binaryValue();
        return isPng(bytes) || isJpeg(bytes) ? bytes : null;
    }

    private static boolean isPng(byte[] b) {
        return b.length > 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
    }

    private static boolean isJpeg(byte[] b) {
        return b.length > 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff;
    }

    private static ObjectNode channelJson(Channel ch) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("channelId", ch.channelId());
        o.put("botUserId", ch.botUserId());
        o.put("displayName", ch.displayName());
        o.put("basicId", ch.basicId());
        o.put("webhookUrl", ch.settings().webhookUrl());
        o.put("webhookActive", ch.settings().webhookActive());
        // auto: users' messages show "Read" at once; manual: once the bot marks them (chat on).
        o.put("markAsReadMode", ch.settings().markAsReadMode());
        return o;
    }

    private static ObjectNode userJson(Channel ch, User u) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("userId", u.userId());
        o.put("displayName", u.displayName());
        o.put("relation", ch.relation(u.userId()).name());
        return o;
    }

    private ObjectNode groupJson(Channel ch, Group g) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("groupId", g.id());
        o.put("type", g.sourceType());
        o.put("name", g.name());
        ArrayNode members = o.putArray("members");
        for (String id : g.members()) {
            User u = platform.state().users().get(id);
            members.addObject().put("userId", id).put("displayName", u == null ? id : u.displayName());
        }
        o.put("botIsMember", g.botChannels().contains(ch.channelId()));
        return o;
    }
}
