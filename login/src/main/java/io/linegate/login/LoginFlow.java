package io.linegate.login;

import io.linegate.store.Digests;
import io.linegate.store.PendingLogins;
import io.linegate.store.PendingLogins.PendingLogin;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The browser side of LINE Login (LINE Login docs, "Integrating LINE Login with your web app"): the authorization URL, and the callback's
 * checks before any code is exchanged.
 *
 * <p>{@link #begin} makes a random {@code state}, {@code nonce} and PKCE {@code code_verifier},
 * stores them server-side under a random login id, and returns the cookie that binds that id to
 * this browser (HttpOnly, Secure, 10 minutes; SameSite=Lax, because LINE's redirect to the callback
 * is a cross-site navigation, which a Strict cookie would not follow). The store keeps only SHA-256
 * digests of the login id and the state; the nonce and the verifier are kept as they are, because
 * the callback needs them (the nonce is compared with the ID token's claim, the verifier goes to the
 * token endpoint). {@link #callback} accepts a code only for the browser that started the login,
 * with the same {@code state}, once, within 10 minutes: a forged callback (CSRF), a replayed one, a
 * stale one and one from another browser are refused. LINE's error responses ({@code ACCESS_DENIED},
 * {@code INVALID_SCOPE}, ...) come back as such, for the site to show the user.
 *
 * <p>A login started to link a member's LINE account carries that member id through to
 * {@link Authorized#linkMemberId()}; a plain sign-in carries none, and can never link.
 */
public final class LoginFlow {
    public static final String COOKIE = "linegate_login";
    static final Duration VALIDITY = Duration.ofMinutes(10);

    /** Options of the authorization request; null fields are left out. */
    public record Options(Set<String> scopes, String prompt, Integer maxAge, String uiLocales, String botPrompt,
                          String initialAmrDisplay, Boolean switchAmr, Boolean disableAutoLogin) {
        public static Options scopes(String... scopes) {
            return new Options(Set.of(scopes), null, null, null, null, null, null, null);
        }

        /** Offers to add the linked official account as a friend: {@code normal} or {@code aggressive}. */
        public Options withBotPrompt(String botPrompt) {
            if (!"normal".equals(botPrompt) && !"aggressive".equals(botPrompt)) {
                throw new IllegalArgumentException("bot_prompt is normal or aggressive, not " + botPrompt);
            }
            return new Options(scopes, prompt, maxAge, uiLocales, botPrompt, initialAmrDisplay, switchAmr, disableAutoLogin);
        }
    }

    /** Where to send the browser, and the cookie to set on the response that sends it there. */
    public record Begin(String authorizationUrl, String setCookie) {}

    /** What the callback found. Exactly one of the three parts is set. */
    public record Callback(Authorized authorized, LineError lineError, Refused refused) {}

    /** A code that may be exchanged, with what the exchange needs; {@code linkMemberId} if the login was started as a link. */
    public record Authorized(String code, String redirectUri, String codeVerifier, String nonce,
                             Boolean friendshipStatusChanged, String linkMemberId) {
        @Override
        public String toString() {
            return "Authorized[redirectUri=" + redirectUri + ", friendshipStatusChanged=" + friendshipStatusChanged
                    + ", link=" + (linkMemberId != null) + "]";
        }
    }

    /** LINE sent the user back with an error (the user declined, a bad scope, ...): show it. */
    public record LineError(String error, String description) {}

    /** The callback itself is not acceptable. */
    public record Refused(String reason) {}

    private final String channelId;
    private final String authorizeUrl;
    private final CallbackUrls callbacks;
    private final PendingLogins pending;
    private final Clock clock;

    LoginFlow(String channelId, String authorizeBase, CallbackUrls callbacks, PendingLogins pending, Clock clock) {
        this.channelId = Objects.requireNonNull(channelId, "channel id");
        this.authorizeUrl = authorizeBase.replaceAll("/+$", "") + "/oauth2/v2.1/authorize";
        this.callbacks = callbacks;
        this.pending = pending;
        this.clock = clock;
    }

    /** A sign-in; see {@link #begin(String, Options, String)}. */
    Begin begin(String redirectUri, Options options) {
        return begin(redirectUri, options, null);
    }

    /** Starts a login; {@code linkMemberId} is the member it links, null for a sign-in. */
    Begin begin(String redirectUri, Options options, String linkMemberId) {
        if (!callbacks.allows(redirectUri)) {
            throw new IllegalArgumentException("redirect_uri is not a registered callback URL: " + redirectUri);
        }
        Set<String> scopes = options.scopes();
        if (!(scopes.contains("profile") || scopes.contains("openid")) || (scopes.contains("email") && !scopes.contains("openid"))) {
            throw new IllegalArgumentException("scope needs profile or openid, and email needs openid: " + scopes);
        }
        String id = Pkce.randomToken(32);
        String state = Pkce.randomToken(32);
        String nonce = Pkce.randomToken(32);
        String verifier = Pkce.newVerifier();
        Instant now = clock.instant();
        pending.savePendingLogin(new PendingLogin(Digests.sha256(id), Digests.sha256(state), nonce, verifier, redirectUri,
                linkMemberId, now, now.plus(VALIDITY)));

        Map<String, String> q = new LinkedHashMap<>();
        q.put("response_type", "code");
        q.put("client_id", channelId);
        q.put("redirect_uri", redirectUri);
        q.put("state", state);
        q.put("scope", scopes.stream().sorted().collect(Collectors.joining(" ")));
        q.put("nonce", nonce);
        q.put("code_challenge", Pkce.challenge(verifier));
        q.put("code_challenge_method", "S256");
        putIfSet(q, "prompt", options.prompt());
        putIfSet(q, "max_age", options.maxAge());
        putIfSet(q, "ui_locales", options.uiLocales());
        putIfSet(q, "bot_prompt", options.botPrompt());
        putIfSet(q, "initial_amr_display", options.initialAmrDisplay());
        putIfSet(q, "switch_amr", options.switchAmr());
        putIfSet(q, "disable_auto_login", options.disableAutoLogin());
        String url = authorizeUrl + "?" + q.entrySet().stream()
                .map(e -> e.getKey() + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
        String cookie = COOKIE + "=" + id + "; Path=/; Max-Age=" + VALIDITY.toSeconds() + "; HttpOnly; Secure; SameSite=Lax";
        return new Begin(url, cookie);
    }

    /**
     * @param loginId the value of the {@link #COOKIE} cookie the browser sent (null if none)
     * @param query   the callback's query parameters
     */
    Callback callback(String loginId, Map<String, String> query) {
        String state = query.get("state");
        if (loginId == null || loginId.isEmpty()) {
            return refused("no login in progress in this browser (the login cookie is missing)");
        }
        if (state == null || state.isEmpty()) {
            return refused("the callback has no state");
        }
        Instant now = clock.instant();
        PendingLogins.Use use = pending.usePendingLogin(Digests.sha256(loginId), Digests.sha256(state), now);
        if (use.refusal() != null) {
            switch (use.refusal()) {
                case STATE_MISMATCH: return refused("the state does not match this browser's login");
                case ALREADY_USED: return refused("this login was already completed; start again");
                case EXPIRED: return refused("this login took more than 10 minutes; start again");
                default: return refused("no such login in progress; start again");
            }
        }
        String error = query.get("error");
        if (error != null) {
            return new Callback(null, new LineError(error, query.getOrDefault("error_description", "")), null);
        }
        String code = query.get("code");
        if (code == null || code.isEmpty()) {
            return refused("the callback has neither a code nor an error");
        }
        PendingLogin login = use.login();
        String changed = query.get("friendship_status_changed");
        return new Callback(new Authorized(code, login.redirectUri(), login.codeVerifier(), login.nonce(),
                changed == null ? null : Boolean.valueOf(changed), login.linkMemberId()), null, null);
    }

    /** The {@code Set-Cookie} value that removes the login cookie: send it with the callback's answer. */
    public static String clearCookie() {
        return COOKIE + "=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax";
    }

    private static Callback refused(String reason) {
        return new Callback(null, null, new Refused(reason));
    }

    private static void putIfSet(Map<String, String> q, String name, Object value) {
        if (value != null) {
            q.put(name, String.valueOf(value));
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
