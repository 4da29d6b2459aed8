package io.linegate.emulator.login;

import static com.linecorp.armeria.common.HttpMethod.GET;
import static com.linecorp.armeria.common.HttpMethod.POST;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.QueryParams;
import io.linegate.core.Json;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.domain.Channel;
import io.linegate.emulator.domain.Ids;
import io.linegate.emulator.domain.Modules;
import io.linegate.emulator.domain.Platform;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Attaching a module channel (partner docs, "Attach Module Channel"; module-attach.yml), the OAuth 2.0
 * authorization of {@code manager.line.biz}: the LINE Official Account's admin opens
 * {@code /module/auth/v1/authorize} and picks the account whose bot the module is attached to (the
 * emulator has no LINE Official Account Manager login: every Messaging API channel's bot is offered),
 * the browser is sent back to {@code redirect_uri} with {@code code} and {@code state}, and the module
 * channel's provider exchanges the code at {@code POST /module/auth/v1/token} (its channel id and
 * secret in the Authorization header as Basic, or as {@code client_id} and {@code client_secret}) for
 * {@code {"bot_id","scopes"}}. The module then calls the Messaging API as that bot with its own channel
 * access token and {@code X-Line-Bot-Id}, and its webhook gets an {@code attached} module event.
 * The error codes and wording of this endpoint are not published: they follow LINE Login's token
 * endpoint (UNCONFIRMED).
 */
final class ModuleAttach {
    private final Platform platform;

    ModuleAttach(Platform platform) {
        this.platform = platform;
    }

    void register(Router r) {
        r.on(GET, "/module/auth/v1/authorize").noAuth().to(Html.guard(this::authorize));
        r.on(POST, "/module/auth/v1/authorize").noAuth().to(Html.guard(this::consent));
        r.on(POST, "/module/auth/v1/token").noAuth().to(this::token);
    }

    /** The authorization request, checked; an error page (never a redirect) when it cannot be trusted. */
    private record Request(Modules.Module module, String redirectUri, String state, List<String> scopes,
            String codeChallenge, Reply refusal) {}

    private Request request(QueryParams q) {
        Modules.Module m = platform.modules().module(q.get("client_id"));
        if (m == null) {
            return refused("The client_id is not a module channel.");
        }
        String redirectUri = q.get("redirect_uri");
        if (!absoluteHttp(redirectUri)) {
            return refused("The redirect_uri must be an absolute http(s) URL.");
        }
        if (!"code".equals(q.get("response_type"))) {
            return refused("The response_type must be code.");
        }
        String state = q.get("state");
        if (state == null || state.isEmpty()) {
            return refused("The state parameter is required.");
        }
        List<String> scopes = new ArrayList<>();
        for (String s : q.get("scope", "").split(" ")) {
            if (!s.isBlank() && !scopes.contains(s)) {
                scopes.add(s);
            }
        }
        if (scopes.isEmpty()) {
            return refused("The scope parameter is required.");
        }
        String challenge = q.get("code_challenge");
        if (challenge != null && !"S256".equals(q.get("code_challenge_method"))) {
            return refused("The code_challenge_method must be S256.");
        }
        return new Request(m, redirectUri, state, scopes, challenge, null);
    }

    private static Request refused(String why) {
        return new Request(null, null, null, null, null, Html.error(HttpStatus.BAD_REQUEST, "Invalid request", why));
    }

    private static boolean absoluteHttp(String url) {
        if (url == null || url.isEmpty()) {
            return false;
        }
        try {
            URI u = URI.create(url);
            return ("https".equals(u.getScheme()) || "http".equals(u.getScheme())) && u.getHost() != null && u.getFragment() == null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The linkage screen: one form per LINE Official Account (bot), each posting the request back with the account chosen. */
    private Reply authorize(Call c) {
        QueryParams q = QueryParams.fromQueryString(c.ctx().query() == null ? "" : c.ctx().query());
        Request r = request(q);
        if (r.refusal() != null) {
            return r.refusal();
        }
        StringBuilder body = new StringBuilder("<h1 id=\"module-title\">Attach module channel " + Html.esc(r.module().channelId())
                + "</h1>\n<p>Permissions: <span id=\"scopes\">" + Html.esc(String.join(" ", r.scopes())) + "</span></p>\n<ul id=\"bots\">");
        for (Channel ch : platform.state().channels()) {
            body.append("<li><form method=\"post\" action=\"/module/auth/v1/authorize\">");
            q.forEach((name, value) -> body.append(Html.hidden(name, value)));
            body.append(Html.hidden("bot", ch.channelId()))
                    .append("<button type=\"submit\" data-bot-id=\"").append(Html.esc(ch.botUserId())).append("\">")
                    .append(Html.esc(ch.displayName() + " (" + ch.basicId() + ")")).append("</button></form></li>");
        }
        body.append("</ul>");
        return Html.page(HttpStatus.OK, "Attach module channel", body.toString());
    }

    /** The admin's choice: a code for the chosen bot, sent to {@code redirect_uri} with {@code state}. */
    private Reply consent(Call c) {
        QueryParams f = QueryParams.fromQueryString(c.request().contentUtf8());
        Request r = request(f);
        if (r.refusal() != null) {
            return r.refusal();
        }
        Channel bot = platform.state().channel(f.get("bot"));
        if (bot == null) {
            return Html.error(HttpStatus.BAD_REQUEST, "Invalid request", "Choose a LINE Official Account.");
        }
        String code = Ids.alnum(20, true);
        platform.modules().code(code, new Modules.Code(r.module().channelId(), bot.channelId(), r.redirectUri(), r.scopes(),
                r.codeChallenge(), c.now().plusSeconds(Modules.CODE_SECONDS)));
        String sep = r.redirectUri().contains("?") ? "&" : "?";
        return Html.redirect(r.redirectUri() + sep + "code=" + Html.enc(code) + "&state=" + Html.enc(r.state()));
    }

    /** {@code POST /module/auth/v1/token}: attaches the module to the bot the code was given for. */
    private Reply token(Call c) {
        QueryParams f = c.form();
        Modules.Module m = client(c, f);
        if (!"authorization_code".equals(f.get("grant_type"))) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "unsupported_grant_type", "unsupported grant_type");
        }
        String code = f.get("code");
        String redirectUri = f.get("redirect_uri");
        if (code == null || code.isEmpty() || redirectUri == null || redirectUri.isEmpty()) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_request", "code and redirect_uri are required");
        }
        Modules.Code grant = platform.modules().redeem(code, c.now());
        if (grant == null || !grant.moduleId().equals(m.channelId())) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_grant", "invalid authorization code");
        }
        if (!grant.redirectUri().equals(redirectUri)) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_grant", "redirect_uri does not match");
        }
        String verifier = f.get("code_verifier");
        if (grant.codeChallenge() != null ? verifier == null || !grant.codeChallenge().equals(s256(verifier)) : verifier != null) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_grant", "code_verifier does not match");
        }
        Channel bot = platform.state().channel(grant.botChannelId());
        Modules.Attachment a = platform.modules().attach(m, bot, grant.scopes());
        ObjectNode event = Json.mapper().createObjectNode();
        event.put("type", "module");
        ObjectNode module = event.putObject("module");
        module.put("type", "attached");
        module.put("botId", bot.botUserId());
        module.set("scopes", scopes(grant.scopes()));
        platform.emitTo(a.view(), List.of(event));
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("bot_id", bot.botUserId());
        out.set("scopes", scopes(grant.scopes()));
        return Reply.ok(out);
    }

    private static ArrayNode scopes(List<String> scopes) {
        ArrayNode a = Json.mapper().createArrayNode();
        scopes.forEach(a::add);
        return a;
    }

    /** The module channel, from Basic authentication or {@code client_id}/{@code client_secret}; 401 {@code invalid_client} otherwise. */
    private Modules.Module client(Call c, QueryParams f) {
        String id = f.get("client_id");
        String secret = f.get("client_secret");
        String auth = c.header("authorization");
        if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            String pair;
            try {
                pair = new String(Base64.getDecoder().decode(auth.substring(6).strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                pair = "";
            }
            int colon = pair.indexOf(':');
            id = colon < 0 ? null : pair.substring(0, colon);
            secret = colon < 0 ? null : pair.substring(colon + 1);
        }
        Modules.Module m = platform.modules().module(id);
        if (m == null || !m.secret().matches(secret)) {
            throw ApiException.oauth(HttpStatus.UNAUTHORIZED, "invalid_client", "invalid client_id or client_secret");
        }
        return m;
    }

    private static String s256(String verifier) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
