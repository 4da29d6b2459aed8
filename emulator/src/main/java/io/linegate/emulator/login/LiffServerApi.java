package io.linegate.emulator.login;

import static com.linecorp.armeria.common.HttpMethod.DELETE;
import static com.linecorp.armeria.common.HttpMethod.GET;
import static com.linecorp.armeria.common.HttpMethod.POST;
import static com.linecorp.armeria.common.HttpMethod.PUT;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpStatus;
import io.linegate.core.Json;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.domain.ApiException.Detail;
import io.linegate.emulator.domain.Ids;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.util.ArrayList;
import java.util.List;

/**
 * The LIFF Server API ({@code liff.yml}; LIFF Server API reference): add, list, update and delete
 * the LIFF apps of a LINE Login channel, with that channel's channel access token. An app added here
 * opens at {@code /liff/{liffId}} like any other (the Login side reads the same apps), an update of
 * its endpoint URL or scopes applies to the next opening, and a deleted app no longer opens.
 * At most 30 LIFF apps per channel (LIFF docs, "Adding a LIFF app to your channel").
 */
final class LiffServerApi {
    static final int MAX_APPS = 30;
    private static final String AUTH_FAILED = "Authentication failed. Confirm that the access token in the authorization header is valid.";
    private final LineLogin login;

    LiffServerApi(LineLogin login) {
        this.login = login;
    }

    void register(Router r) {
        r.on(POST, "/liff/v1/apps").authenticatedBy(c -> channel(c).channelId()).to(this::add);
        r.on(GET, "/liff/v1/apps").authenticatedBy(c -> channel(c).channelId()).to(this::all);
        r.on(PUT, "/liff/v1/apps/{liffId}").authenticatedBy(c -> channel(c).channelId()).to(this::update);
        r.on(DELETE, "/liff/v1/apps/{liffId}").authenticatedBy(c -> channel(c).channelId()).to(this::delete);
    }

    /** The Login channel whose channel access token authorizes the call; a Messaging API channel's token is refused. */
    private LoginChannel channel(Call c) {
        String auth = c.header("authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiException.line(HttpStatus.UNAUTHORIZED, "Authorization header required. Must follow the scheme, 'Authorization: Bearer <ACCESS TOKEN>'");
        }
        String owner = login.channelTokens().ownerOf(auth.substring(7).strip(), c.now());
        LoginChannel ch = login.channel(owner);
        if (ch == null) {
            // UNCONFIRMED: LIFF apps belong to LINE Login channels; another channel's token is not accepted.
            throw ApiException.line(HttpStatus.UNAUTHORIZED, AUTH_FAILED);
        }
        return ch;
    }

    private LiffApp app(Call c, LoginChannel ch) {
        LiffApp app = login.liffApp(c.path("liffId"));
        if (app == null || app.channel() != ch) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "The LIFF app does not exist on this channel");
        }
        return app;
    }

    private Reply add(Call c) {
        LoginChannel ch = channel(c);
        JsonNode b = c.jsonObject();
        String url = b.path("view").path("url").asText("");
        checkUrl(url);
        List<String> scopes = scopes(b.path("scope"));
        if (ch.liffApps().size() >= MAX_APPS) {
            throw ApiException.badRequest("A channel can have at most " + MAX_APPS + " LIFF apps");
        }
        String liffId;
        do {
            liffId = ch.channelId() + "-" + Ids.alnum(8, false);
        } while (login.liffApp(liffId) != null);
        LiffApp app = new LiffApp(liffId, ch, scopes, url);
        app.settings(settings(Json.mapper().createObjectNode(), b));
        login.addLiffApp(app);
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("liffId", liffId);
        return Reply.ok(out);
    }

    private Reply all(Call c) {
        LoginChannel ch = channel(c);
        List<LiffApp> apps = new ArrayList<>(ch.liffApps().values());
        if (apps.isEmpty()) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "There is no LIFF app on this channel");
        }
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode list = out.putArray("apps");
        for (LiffApp a : apps) {
            ObjectNode o = list.addObject();
            o.put("liffId", a.liffId());
            ObjectNode s = a.settings();
            ObjectNode view = o.putObject("view");
            view.put("type", s.path("viewType").asText("full"));
            if (a.endpointUrl() != null) {
                view.put("url", a.endpointUrl());
            }
            if (s.has("moduleMode")) {
                view.set("moduleMode", s.get("moduleMode"));
            }
            for (String f : List.of("description", "features", "permanentLinkPattern", "botPrompt")) {
                if (s.has(f)) {
                    o.set(f, s.get(f));
                }
            }
            a.scopes().forEach(o.putArray("scope")::add);
        }
        return Reply.ok(out);
    }

    private Reply update(Call c) {
        LoginChannel ch = channel(c);
        LiffApp app = app(c, ch);
        JsonNode b = c.jsonObject();
        if (b.path("view").has("url")) {
            checkUrl(b.path("view").path("url").asText(""));
        }
        List<String> scopes = b.has("scope") ? scopes(b.path("scope")) : null;
        if (b.path("view").has("url")) {
            app.endpointUrl(b.path("view").path("url").asText());
        }
        if (scopes != null) {
            app.scopes(scopes);
        }
        app.settings(settings(app.settings(), b));
        return Reply.emptyObject();
    }

    private Reply delete(Call c) {
        LoginChannel ch = channel(c);
        login.removeLiffApp(app(c, ch));
        return Reply.emptyObject();
    }

    private static ObjectNode settings(ObjectNode s, JsonNode b) {
        if (b.path("view").has("type")) {
            s.put("viewType", b.path("view").path("type").asText());
        }
        if (b.path("view").has("moduleMode")) {
            s.set("moduleMode", b.path("view").get("moduleMode"));
        }
        for (String f : List.of("description", "features", "permanentLinkPattern", "botPrompt")) {
            if (b.has(f)) {
                s.set(f, b.get(f));
            }
        }
        return s;
    }

    /** The endpoint URL: https (plain http on loopback, for local member sites), no fragment. */
    private static void checkUrl(String url) {
        if (url.isEmpty()) {
            throw ApiException.invalid(List.of(new Detail("May not be empty", "view.url")));
        }
        if (!LiffApp.validEndpoint(url)) {
            throw ApiException.invalid(List.of(new Detail("Must be an https URL without a fragment (http only on loopback)", "view.url")));
        }
    }

    private static List<String> scopes(JsonNode scope) {
        List<String> out = new ArrayList<>();
        if (!scope.isArray()) {
            return List.of("openid", "profile"); // UNCONFIRMED default when none is given
        }
        for (int i = 0; i < scope.size(); i++) {
            String s = scope.get(i).asText();
            if (!List.of("openid", "profile", "email", "chat_message.write").contains(s)) {
                throw ApiException.invalid(List.of(new Detail("Must be one of the following values: [openid, email, profile, chat_message.write]",
                        "scope[" + i + "]")));
            }
            out.add(s);
        }
        return out;
    }
}
