package io.linegate.emulator.messaging;

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
import io.linegate.emulator.domain.Ids;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.RateLimiter.Limit;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.util.ArrayList;
import java.util.List;

/**
 * Operations that are stored rather than simulated in depth: rich menus (create, get, list, delete,
 * default, per-user links). They validate their input, keep what they receive per channel and
 * answer in the spec's shape.
 */
final class RichMenuApi {
    void register(Router r) {
        r.on(POST, "/v2/bot/richmenu").limit(Limit.RICH_MENU_CHANGE).to(this::createRichMenu);
        r.on(POST, "/v2/bot/richmenu/validate").to(c -> {
            richMenuBody(c);
            return Reply.emptyObject();
        });
        r.on(GET, "/v2/bot/richmenu/list").limit(Limit.RICH_MENU_LIST).to(this::listRichMenus);
        r.on(GET, "/v2/bot/richmenu/{richMenuId}").to(c -> Reply.ok(richMenu(c.channel(), c.path("richMenuId"))));
        r.on(DELETE, "/v2/bot/richmenu/{richMenuId}").limit(Limit.RICH_MENU_CHANGE).to(c -> {
            richMenu(c.channel(), c.path("richMenuId"));
            c.channel().objects().remove("richmenu:" + c.path("richMenuId"));
            c.channel().richMenuInsight().forget(c.path("richMenuId"));
            return Reply.emptyObject();
        });
        r.on(POST, "/v2/bot/user/all/richmenu/{richMenuId}").to(c -> {
            richMenu(c.channel(), c.path("richMenuId"));
            c.channel().objects().put("richmenu-default", Json.mapper().getNodeFactory().textNode(c.path("richMenuId")));
            return Reply.emptyObject();
        });
        r.on(GET, "/v2/bot/user/all/richmenu").to(c -> {
            JsonNode id = c.channel().objects().get("richmenu-default");
            if (id == null) {
                throw ApiException.line(HttpStatus.NOT_FOUND, "no default richmenu");
            }
            ObjectNode b = Json.mapper().createObjectNode();
            b.put("richMenuId", id.asText());
            return Reply.ok(b);
        });
        r.on(DELETE, "/v2/bot/user/all/richmenu").to(c -> {
            c.channel().objects().remove("richmenu-default");
            return Reply.emptyObject();
        });
        r.on(POST, "/v2/bot/user/{userId}/richmenu/{richMenuId}").to(c -> {
            richMenu(c.channel(), c.path("richMenuId"));
            c.channel().objects().put("richmenu-user:" + c.path("userId"), Json.mapper().getNodeFactory().textNode(c.path("richMenuId")));
            return Reply.emptyObject();
        });
        r.on(GET, "/v2/bot/user/{userId}/richmenu").to(c -> {
            JsonNode id = c.channel().objects().get("richmenu-user:" + c.path("userId"));
            if (id == null) {
                id = c.channel().objects().get("richmenu-default");
            }
            if (id == null) {
                throw ApiException.line(HttpStatus.NOT_FOUND, "the user has no richmenu");
            }
            ObjectNode b = Json.mapper().createObjectNode();
            b.put("richMenuId", id.asText());
            return Reply.ok(b);
        });
        r.on(DELETE, "/v2/bot/user/{userId}/richmenu").to(c -> {
            c.channel().objects().remove("richmenu-user:" + c.path("userId"));
            return Reply.emptyObject();
        });
    }

    private JsonNode richMenuBody(Call c) {
        JsonNode b = c.jsonObject();
        List<Detail> d = new ArrayList<>();
        if (!b.path("size").isObject()) {
            d.add(new Detail("May not be empty", "size"));
        }
        if (!b.has("selected") || !b.get("selected").isBoolean()) {
            d.add(new Detail("May not be empty", "selected"));
        }
        if (b.path("name").asText("").isEmpty() || b.path("name").asText().length() > 300) {
            d.add(new Detail("Length must be between 1 and 300", "name"));
        }
        if (b.path("chatBarText").asText("").isEmpty() || b.path("chatBarText").asText().length() > 14) {
            d.add(new Detail("Length must be between 1 and 14", "chatBarText"));
        }
        if (!b.path("areas").isArray() || b.path("areas").size() > 20) {
            d.add(new Detail("Size must be between 0 and 20", "areas"));
        }
        if (!d.isEmpty()) {
            throw ApiException.invalid(d);
        }
        return b;
    }

    private Reply createRichMenu(Call c) {
        ObjectNode menu = richMenuBody(c).deepCopy();
        // A channel holds at most 1,000 rich menus (LINE docs, rich menu limits); the exact error
        // text for the 1,001st is UNCONFIRMED.
        long count = c.channel().objects().keySet().stream().filter(k -> k.startsWith("richmenu:")).count();
        if (count >= 1000) {
            throw ApiException.badRequest("The maximum number of rich menus has been reached");
        }
        String id = "richmenu-" + Ids.hex32(false);
        menu.put("richMenuId", id);
        c.channel().objects().put("richmenu:" + id, menu);
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("richMenuId", id);
        return Reply.ok(b);
    }

    private JsonNode richMenu(Channel ch, String id) {
        JsonNode m = ch.objects().get("richmenu:" + id);
        if (m == null) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "richmenu not found");
        }
        return m;
    }

    private Reply listRichMenus(Call c) {
        ObjectNode b = Json.mapper().createObjectNode();
        ArrayNode a = b.putArray("richmenus");
        c.channel().objects().forEach((k, v) -> {
            if (k.startsWith("richmenu:")) {
                a.add(v);
            }
        });
        return Reply.ok(b);
    }
}
