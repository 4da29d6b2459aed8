package io.linegate.emulator.login;

import static com.linecorp.armeria.common.HttpMethod.GET;
import static com.linecorp.armeria.common.HttpMethod.POST;

import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.QueryParams;
import io.linegate.emulator.domain.BoundedMap;
import io.linegate.emulator.domain.Channel;
import io.linegate.emulator.domain.Ids;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.RateLimiter.Limit;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code access.line.me/oauth2/v2.1/authorize} (LINE Login docs, "Integrating LINE Login with your web app"): the request's checks, then
 * login (or the SSO session), the developing-channel gate, consent with the {@code bot_prompt=normal}
 * option, the {@code aggressive} add-friend screen, and the redirect to the callback with a code.
 * The request is kept server-side as a flow between the pages; forms carry only its random id.
 */
final class AuthorizePages {
    static final String AUTHORIZE = "/oauth2/v2.1/authorize";
    private static final String RESUME = AUTHORIZE + "/resume";
    private static final String CONSENT = "/oauth2/v2.1/consent";
    private static final String ADD_FRIEND = "/oauth2/v2.1/add-friend";
    private static final Duration FLOW = Duration.ofHours(1);
    private static final Set<String> SCOPES = Set.of("profile", "openid", "email");
    /** BASE64URL(SHA256(verifier)) without padding is always 43 characters. */
    private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");

    /** One authorization request on its way through the pages. */
    private static final class Flow {
        final String id = Ids.alnum(32, true);
        final LoginChannel ch;
        final String redirectUri;
        final String rawState; // echoed byte for byte as the client sent it (§5.1: not URL-encoded)
        final List<String> scopes;
        final String nonce;
        final String prompt;
        final Long maxAge;
        final String botPrompt;
        final String codeChallenge;
        final boolean disableAutoLogin;
        final Instant expiresAt;
        volatile String userId;
        volatile Instant authTime;
        volatile boolean consented;
        volatile boolean friendOffered; // the add-friend option was shown (on the consent or its own screen)
        volatile boolean friendDecided;
        volatile boolean friendshipChanged;

        Flow(LoginChannel ch, String redirectUri, String rawState, List<String> scopes, QueryParams q, Long maxAge, Instant now) {
            this.ch = ch;
            this.redirectUri = redirectUri;
            this.rawState = rawState;
            this.scopes = scopes;
            this.nonce = q.get("nonce");
            this.prompt = q.get("prompt");
            this.maxAge = maxAge;
            this.botPrompt = q.get("bot_prompt");
            this.codeChallenge = q.get("code_challenge");
            this.disableAutoLogin = "true".equals(q.get("disable_auto_login"));
            this.expiresAt = now.plus(FLOW);
        }

        boolean promptNone() {
            return "none".equals(prompt);
        }

        @Override
        public String toString() {
            return "Flow[channel " + ch.channelId() + "]";
        }
    }

    /** An error for the callback: {@code error}, {@code error_description}, {@code state} (§5.2). */
    private static final class Refusal extends RuntimeException {
        final String error;

        Refusal(String error, String description) {
            super(description, null, false, false);
            this.error = error;
        }
    }

    private final LineLogin login;
    private final Sessions sessions;
    private final Map<String, Flow> flows = BoundedMap.of(10_000);

    AuthorizePages(LineLogin login, Sessions sessions) {
        this.login = login;
        this.sessions = sessions;
    }

    void register(Router r) {
        r.on(GET, AUTHORIZE).noAuth().limit(Limit.NONE).to(Html.guard(this::authorize));
        r.on(GET, RESUME).noAuth().limit(Limit.NONE).to(Html.guard(c -> {
            Flow f = flow(c.query("flow"), c.now());
            return f == null ? expired() : advance(c, f);
        }));
        r.on(POST, CONSENT).noAuth().limit(Limit.NONE).to(Html.guard(this::consent));
        r.on(POST, ADD_FRIEND).noAuth().limit(Limit.NONE).to(Html.guard(this::addFriend));
    }

    private Reply authorize(Call c) {
        String raw = c.ctx().query();
        QueryParams q = raw == null ? QueryParams.of() : QueryParams.fromQueryString(raw);
        LoginChannel ch = login.channel(q.get("client_id"));
        // An invalid client_id or redirect_uri is never redirected to (§5.2): that would be an open redirector.
        if (ch == null) {
            return Html.error(HttpStatus.BAD_REQUEST, "Invalid request", "The client_id is not a LINE Login channel.");
        }
        String redirectUri = q.get("redirect_uri");
        if (!ch.acceptsRedirect(redirectUri)) {
            return Html.error(HttpStatus.BAD_REQUEST, "Invalid request",
                    "The redirect_uri does not match a callback URL registered for the channel.");
        }
        String rawState = rawParam(raw, "state");
        try {
            if (!"code".equals(q.get("response_type"))) {
                throw new Refusal("UNSUPPORTED_RESPONSE_TYPE", "Unsupported response_type: only code is supported.");
            }
            if (rawState == null || rawState.isEmpty()) {
                throw new Refusal("INVALID_REQUEST", "state is required.");
            }
            List<String> scopes = scopes(q.get("scope"), ch);
            String mode = q.get("response_mode");
            if (mode != null && !mode.equals("query")) {
                // form_post and the JARM modes are not emulated; say so rather than answer differently.
                throw new Refusal("INVALID_REQUEST", "The emulator supports response_mode=query only.");
            }
            oneOf(q, "prompt", "consent", "none", "login");
            oneOf(q, "bot_prompt", "normal", "aggressive");
            Long maxAge = null;
            if (q.get("max_age") != null) {
                if (!q.get("max_age").matches("\\d{1,10}")) {
                    throw new Refusal("INVALID_REQUEST", "max_age must be a number of seconds.");
                }
                maxAge = Long.parseLong(q.get("max_age"));
            }
            String method = q.get("code_challenge_method");
            String challenge = q.get("code_challenge");
            if (method != null && !method.equals("S256")) {
                throw new Refusal("INVALID_REQUEST", "code_challenge_method must be S256.");
            }
            // UNCONFIRMED: a challenge without its method. LINE supports S256 only, so "plain" is not assumed.
            if (challenge != null && (method == null || !CHALLENGE.matcher(challenge).matches())) {
                throw new Refusal("INVALID_REQUEST", "code_challenge must be BASE64URL(SHA256(code_verifier)) with code_challenge_method=S256.");
            }
            Flow f = new Flow(ch, redirectUri, rawState, scopes, q, maxAge, c.now());
            flows.put(f.id, f);
            return advance(c, f);
        } catch (Refusal r) {
            return refuse(redirectUri, rawState, r);
        }
    }

    /** §5.1: profile or openid is required; email needs openid and the channel's email permission. */
    private static List<String> scopes(String scope, LoginChannel ch) {
        Set<String> s = new LinkedHashSet<>();
        for (String part : (scope == null ? "" : scope).split(" ")) {
            if (!part.isEmpty()) {
                s.add(part);
            }
        }
        if (!SCOPES.containsAll(s) || !(s.contains("profile") || s.contains("openid"))) {
            throw new Refusal("INVALID_SCOPE", "The scope must include profile or openid; allowed: profile, openid, email.");
        }
        if (s.contains("email") && !s.contains("openid")) {
            throw new Refusal("INVALID_SCOPE", "The email scope requires the openid scope.");
        }
        if (s.contains("email") && !ch.emailPermission()) {
            throw new Refusal("INVALID_SCOPE", "The channel has no permission to get email addresses.");
        }
        return List.copyOf(s);
    }

    private static void oneOf(QueryParams q, String name, String... allowed) {
        String v = q.get(name);
        if (v != null && !List.of(allowed).contains(v)) {
            throw new Refusal("INVALID_REQUEST", "Invalid " + name + ".");
        }
    }

    /** The next screen of the flow, or the redirect to the callback when none is left. */
    private Reply advance(Call c, Flow f) {
        Instant now = c.now();
        if (f.userId == null) {
            Sessions.Session s = sessions.current(c);
            boolean forced = "login".equals(f.prompt) || f.disableAutoLogin;
            boolean recent = s != null && (f.maxAge == null || !now.isAfter(s.authTime().plusSeconds(f.maxAge)));
            if (s != null && !forced && recent) {
                f.userId = s.userId();
                f.authTime = s.authTime();
            } else if (f.promptNone()) {
                return finishWith(f, new Refusal("LOGIN_REQUIRED", "The user is not logged in."));
            } else {
                return sessions.loginPage(RESUME + "?flow=" + f.id, s2 -> {
                    f.userId = s2.userId();
                    f.authTime = s2.authTime();
                }, now);
            }
        }
        if (!f.ch.mayLogIn(f.userId)) {
            flows.remove(f.id);
            return Html.error(HttpStatus.FORBIDDEN, "This channel is under development",
                    "Only the channel's admins and testers can log in to it.");
        }
        Channel bot = f.botPrompt == null || f.friendDecided ? null : login.friendOption(f.ch, f.userId);
        boolean normalOption = bot != null && "normal".equals(f.botPrompt) && !f.promptNone();
        if (!f.consented && ("consent".equals(f.prompt) || !f.ch.granted(f.userId).containsAll(f.scopes) || normalOption)) {
            if (f.promptNone()) {
                return finishWith(f, new Refusal("INTERACTION_REQUIRED", "The user must consent."));
            }
            return consentPage(f, normalOption ? bot : null);
        }
        if (bot != null && "aggressive".equals(f.botPrompt) && !f.promptNone()) {
            return addFriendPage(f, bot);
        }
        return finish(f);
    }

    private Reply consentPage(Flow f, Channel bot) {
        StringBuilder b = new StringBuilder();
        b.append("<h1 id=\"consent-title\">Channel ").append(Html.esc(f.ch.channelId())).append("</h1>\n")
                .append("<p>This service requests permission to access:</p>\n<ul id=\"scopes\">");
        for (String s : f.scopes) {
            b.append("<li id=\"scope-").append(s).append("\" data-scope=\"").append(s).append("\">")
                    .append(switch (s) {
                        case "profile" -> "Your profile: display name and profile image";
                        case "openid" -> "Your internal identifier (ID token)";
                        default -> "Your email address";
                    }).append("</li>");
        }
        b.append("</ul>\n<form id=\"consent-form\" method=\"post\" action=\"").append(CONSENT).append("\">")
                .append(Html.hidden("flow", f.id));
        if (bot != null) {
            f.friendOffered = true;
            // Pre-checked only under a certified provider (§5.1).
            b.append("<p><label><input type=\"checkbox\" id=\"add-friend\" name=\"add-friend\" value=\"on\"")
                    .append(f.ch.certifiedProvider() ? " checked" : "").append("> Add ")
                    .append(Html.esc(bot.displayName())).append(" as a friend</label></p>");
        }
        b.append("<button type=\"submit\" id=\"allow\" name=\"action\" value=\"allow\">Allow</button>")
                .append("<button type=\"submit\" id=\"deny\" name=\"action\" value=\"deny\">Cancel</button></form>");
        return Html.page(HttpStatus.OK, "LINE Login: permissions", b.toString());
    }

    private Reply addFriendPage(Flow f, Channel bot) {
        f.friendOffered = true;
        String b = "<h1 id=\"add-friend-title\">Add " + Html.esc(bot.displayName()) + " as a friend?</h1>\n"
                + "<form id=\"add-friend-form\" method=\"post\" action=\"" + ADD_FRIEND + "\">" + Html.hidden("flow", f.id)
                + "<button type=\"submit\" id=\"add-friend\" name=\"action\" value=\"add\">Add friend</button>"
                + "<button type=\"submit\" id=\"skip\" name=\"action\" value=\"skip\">Not now</button></form>";
        return Html.page(HttpStatus.OK, "LINE Login: add friend", b);
    }

    private Reply consent(Call c) {
        QueryParams form = c.form();
        Flow f = flow(form.get("flow"), c.now());
        if (f == null || f.userId == null) {
            return expired();
        }
        if (!"allow".equals(form.get("action"))) {
            return finishWith(f, new Refusal("ACCESS_DENIED", "The resource owner denied the request."));
        }
        f.ch.grant(f.userId, f.scopes);
        f.consented = true;
        if (f.friendOffered && "normal".equals(f.botPrompt)) {
            decideFriend(f, "on".equals(form.get("add-friend")));
        }
        return advance(c, f);
    }

    private Reply addFriend(Call c) {
        QueryParams form = c.form();
        Flow f = flow(form.get("flow"), c.now());
        if (f == null || f.userId == null || !f.friendOffered) {
            return expired();
        }
        decideFriend(f, "add".equals(form.get("action")));
        return advance(c, f);
    }

    private void decideFriend(Flow f, boolean add) {
        f.friendDecided = true;
        Channel bot = add ? login.friendOption(f.ch, f.userId) : null;
        f.friendshipChanged = bot != null && login.befriend(bot, f.userId);
    }

    /** The code and the redirect (§5.2); friendship_status_changed only when the option was shown. */
    private Reply finish(Flow f) {
        flows.remove(f.id);
        Instant now = login.platform().clock().instant();
        String code = login.tokens().newCode(new LoginTokens.Code(f.ch.channelId(), f.userId, f.redirectUri, f.scopes,
                f.nonce, f.codeChallenge, f.maxAge == null ? null : f.authTime, now.plus(LoginTokens.CODE)));
        StringBuilder to = new StringBuilder(f.redirectUri).append(f.redirectUri.indexOf('?') >= 0 ? '&' : '?')
                .append("code=").append(code).append("&state=").append(f.rawState);
        if (f.friendOffered) {
            to.append("&friendship_status_changed=").append(f.friendshipChanged);
        }
        return Html.redirect(to.toString());
    }

    private Reply finishWith(Flow f, Refusal r) {
        flows.remove(f.id);
        return refuse(f.redirectUri, f.rawState, r);
    }

    private static Reply refuse(String redirectUri, String rawState, Refusal r) {
        StringBuilder to = new StringBuilder(redirectUri).append(redirectUri.indexOf('?') >= 0 ? '&' : '?')
                .append("error=").append(r.error).append("&error_description=").append(Html.enc(r.getMessage()));
        if (rawState != null && !rawState.isEmpty()) {
            to.append("&state=").append(rawState);
        }
        return Html.redirect(to.toString());
    }

    private Flow flow(String id, Instant now) {
        Flow f = id == null ? null : flows.get(id);
        return f == null || !now.isBefore(f.expiresAt) ? null : f;
    }

    private static Reply expired() {
        return Html.error(HttpStatus.BAD_REQUEST, "Login expired", "This login request has expired. Start again from the app.");
    }

    /** A query parameter as it appears in the URL, not decoded. */
    static String rawParam(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String p : query.split("&")) {
            if (p.startsWith(name + "=")) {
                return p.substring(name.length() + 1);
            }
        }
        return null;
    }
}
