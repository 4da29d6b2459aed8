package io.linegate.emulator.login;

import static com.linecorp.armeria.common.HttpMethod.GET;
import static com.linecorp.armeria.common.HttpMethod.POST;
import static com.linecorp.armeria.common.HttpMethod.PUT;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpStatus;
import io.linegate.core.Json;
import io.linegate.emulator.control.ControlApi;
import io.linegate.emulator.domain.ApiException.Detail;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The control API of the Login side, under {@code /control/v1/login}: users' credentials, Login
 * channel settings (what the console would change), LIFF endpoints, and LIFF sessions for tests that
 * need a LIFF user's tokens without a browser.
 */
final class LoginControlApi {
    static final String PREFIX = ControlApi.PREFIX + "/login";
    private final LineLogin login;

    LoginControlApi(LineLogin login) {
        this.login = login;
    }

    void register(Router r) {
        r.on(PUT, PREFIX + "/users/{userId}/credentials").control().to(this::credentials);
        r.on(GET, PREFIX + "/channels").control().to(c -> channels());
        r.on(PUT, PREFIX + "/channels/{channelId}").control().to(this::updateChannel);
        r.on(PUT, PREFIX + "/liff/{liffId}").control().to(this::updateLiff);
        r.on(POST, PREFIX + "/liff/{liffId}/sessions").control().to(this::liffSession);
    }

    private Reply credentials(Call c) {
        String userId = c.path("userId");
        if (!login.platform().state().users().containsKey(userId)) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "User not found");
        }
        JsonNode b = c.jsonObject();
        try {
            login.credentials().set(userId, b.path("email").asText(null), b.path("password").asText(null));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("userId", userId);
        out.put("email", login.credentials().email(userId));
        return Reply.ok(out);
    }

    /** Every Login channel, without its secret. */
    private Reply channels() {
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode a = out.putArray("loginChannels");
        for (LoginChannel ch : login.channels()) {
            a.add(describe(ch));
        }
        return Reply.ok(out);
    }

    /**
     * {@code {"addCallbackUrls":[...], "status":"published"|"developing", "admins":[...], "testers":[...]}}:
     * callback URLs are added (at most 400 in all); status and the role lists replace what was there.
     */
    private Reply updateChannel(Call c) {
        LoginChannel ch = login.channel(c.path("channelId"));
        if (ch == null) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "Channel not found");
        }
        JsonNode b = c.jsonObject();
        LoginChannel.Status status = null;
        if (b.hasNonNull("status")) {
            try {
                status = LoginChannel.Status.valueOf(b.get("status").asText().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(List.of(new Detail("Must be published or developing", "status")));
            }
        }
        try {
            for (JsonNode u : b.path("addCallbackUrls")) {
                ch.addCallbackUrl(u.asText());
            }
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (status != null) {
            ch.status(status);
        }
        replace(ch.admins(), b, "admins");
        replace(ch.testers(), b, "testers");
        return Reply.ok(describe(ch));
    }

    private Reply updateLiff(Call c) {
        LiffApp app = liff(c);
        JsonNode b = c.jsonObject();
        try {
            app.endpointUrl(b.path("endpointUrl").asText(null));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return Reply.ok(describe(app));
    }

    /** {@code {"userId"}} → {@code {"idToken","accessToken","expiresIn"}}: what liff.init() would get for that user. */
    private Reply liffSession(Call c) {
        LiffApp app = liff(c);
        String userId = c.jsonObject().path("userId").asText("");
        if (!login.platform().state().users().containsKey(userId)) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "User not found");
        }
        LineLogin.LiffSession s = login.liffSession(app, userId, c.now());
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("idToken", s.idToken());
        out.put("accessToken", s.accessToken());
        out.put("expiresIn", s.expiresIn());
        return Reply.ok(out);
    }

    private LiffApp liff(Call c) {
        LiffApp app = login.liffApp(c.path("liffId"));
        if (app == null) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "LIFF app not found");
        }
        return app;
    }

    private static void replace(Set<String> target, JsonNode b, String field) {
        if (b.has(field)) {
            List<String> ids = new ArrayList<>();
            b.get(field).forEach(n -> ids.add(n.asText()));
            target.clear();
            target.addAll(ids);
        }
    }

    private static ObjectNode describe(LoginChannel ch) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("channelId", ch.channelId());
        o.put("provider", ch.providerName());
        o.put("certifiedProvider", ch.certifiedProvider());
        o.put("status", ch.status().name().toLowerCase(Locale.ROOT));
        o.put("linkedBotChannelId", ch.linkedBotChannelId());
        o.put("webOnly", ch.webOnly());
        ch.callbackUrls().forEach(o.putArray("callbackUrls")::add);
        ch.admins().forEach(o.putArray("admins")::add);
        ch.testers().forEach(o.putArray("testers")::add);
        ArrayNode liff = o.putArray("liffApps");
        ch.liffApps().values().forEach(a -> liff.add(describe(a)));
        return o;
    }

    private static ObjectNode describe(LiffApp a) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("liffId", a.liffId());
        o.put("endpointUrl", a.endpointUrl());
        a.scopes().forEach(o.putArray("scopes")::add);
        return o;
    }
}
