package io.linegate.emulator.login;

import com.nimbusds.jwt.JWTClaimsSet;
import io.linegate.emulator.domain.Channel;
import io.linegate.emulator.domain.Platform;
import io.linegate.emulator.domain.Relation;
import io.linegate.emulator.domain.TokenService;
import io.linegate.emulator.domain.User;
import io.linegate.emulator.http.Router;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The LINE Login side of the emulated platform (LINE Login docs and LINE Login v2.1 API reference; Messaging API docs, "Link user accounts"; LIFF docs, "Using user data in LIFF apps and servers"): Login channels and their LIFF apps,
 * users' login credentials, codes and tokens, ID tokens, and the pages a browser walks through. The
 * parts are wired here; {@link #register(Router)} adds their routes.
 */
public final class LineLogin {
    private final Platform platform;
    private final TokenService channelTokens;
    private final LoginTokens tokens = new LoginTokens();
    private final IdTokens idTokens = new IdTokens();
    private final Credentials credentials;
    private final Map<String, LoginChannel> channels = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, LiffApp> liffApps = new ConcurrentHashMap<>();
    private final LoginApi api;

    public LineLogin(Platform platform, TokenService channelTokens) {
        this.platform = platform;
        this.channelTokens = channelTokens;
        this.credentials = new Credentials(platform.state());
        this.api = new LoginApi(this);
    }

    /** Adds a Login channel; it can then also issue channel access tokens with its own id and secret. */
    public void add(LoginChannel ch) {
        if (platform.state().channel(ch.channelId()) != null || channels.putIfAbsent(ch.channelId(), ch) != null) {
            throw new IllegalArgumentException("channel id " + ch.channelId() + " is already in use");
        }
        channelTokens.registerLoginClient(ch.channelId(), ch.secret());
    }

    public void addLiffApp(LiffApp app) {
        if (liffApps.putIfAbsent(app.liffId(), app) != null) {
            throw new IllegalArgumentException("LIFF ID " + app.liffId() + " is already in use");
        }
        app.channel().liffApps().put(app.liffId(), app);
    }

    /** Removes a LIFF app (the LIFF Server API's delete): its LIFF URL stops opening. */
    public void removeLiffApp(LiffApp app) {
        liffApps.remove(app.liffId(), app);
        app.channel().liffApps().remove(app.liffId(), app);
    }

    public void register(Router r) {
        api.register(r);
        new LiffServerApi(this).register(r);
        Sessions sessions = new Sessions(this);
        sessions.register(r);
        new AuthorizePages(this, sessions).register(r);
        new AccountLinkDialog(this, sessions).register(r);
        new LiffBrowser(this, sessions).register(r);
        new LoginControlApi(this).register(r);
        new ModuleAttach(platform).register(r);
    }

    /** The endpoints shared with channel access tokens ({@code /oauth2/v2.1/token}, verify, revoke). */
    public LoginApi api() {
        return api;
    }

    public LoginChannel channel(String id) {
        return id == null ? null : channels.get(id);
    }

    /** Every Login channel, in the order they were added. */
    public Collection<LoginChannel> channels() {
        synchronized (channels) {
            return List.copyOf(channels.values());
        }
    }

    public LiffApp liffApp(String liffId) {
        return liffId == null ? null : liffApps.get(liffId);
    }

    public Credentials credentials() {
        return credentials;
    }

    Platform platform() {
        return platform;
    }

    TokenService channelTokens() {
        return channelTokens;
    }

    LoginTokens tokens() {
        return tokens;
    }

    IdTokens idTokens() {
        return idTokens;
    }

    /**
     * ID-token claims (§5.5): iss, sub, aud, exp, iat, amr; nonce if given; auth_time if max_age was
     * given; name and picture with {@code profile}; email with {@code email}.
     */
    JWTClaimsSet claims(LoginChannel ch, String userId, Collection<String> scopes, String nonce, Instant authTime,
            Instant now, Duration ttl) {
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
                .issuer(IdTokens.ISSUER)
                .subject(userId)
                .audience(ch.channelId())
                .expirationTime(Date.from(now.plus(ttl)))
                .issueTime(Date.from(now))
                .claim("amr", List.of("pwd"));
        if (nonce != null) {
            b.claim("nonce", nonce);
        }
        if (authTime != null) {
            b.claim("auth_time", authTime.getEpochSecond());
        }
        User u = platform.state().users().get(userId);
        if (scopes.contains("profile") && u != null) {
            b.claim("name", u.displayName());
            if (u.pictureUrl() != null) {
                b.claim("picture", u.pictureUrl());
            }
        }
        if (scopes.contains("email")) {
            b.claim("email", credentials.email(userId));
        }
        return b.build();
    }

    /** What the LIFF SDK holds after {@code liff.init()}: an ES256 ID token (1 h) and an access token (12 h). */
    public record LiffSession(String idToken, String accessToken, long expiresIn) {
        @Override
        public String toString() {
            return "LiffSession[tokens redacted]";
        }
    }

    LiffSession liffSession(LiffApp app, String userId, Instant now) {
        LoginChannel ch = app.channel();
        String idToken = app.scopes().contains("openid")
                ? idTokens.es256(claims(ch, userId, app.scopes(), null, null, now, LoginTokens.LIFF_ID_TOKEN)) : null;
        LoginTokens.Access a = tokens.issue(ch.channelId(), userId, app.scopes(), now.plus(LoginTokens.LIFF_ACCESS), null);
        return new LiffSession(idToken, LoginTokens.value(a), LoginTokens.LIFF_ACCESS.toSeconds());
    }

    /**
     * The linked LINE Official Account whose add-friend option {@code bot_prompt} shows this user, or
     * null: the option is shown only to users who are not friends (or who block it), §5.1, §5.2.
     */
    Channel friendOption(LoginChannel ch, String userId) {
        Channel bot = platform.state().channel(ch.linkedBotChannelId());
        return bot == null || bot.relation(userId) == Relation.FRIEND ? null : bot;
    }

    /**
     * The user adds the bot as a friend on the login screens: exactly what a follow through the control
     * API does (follow event, unblocked flag, greeting). True if the friendship changed.
     */
    boolean befriend(Channel bot, String userId) {
        Relation r = bot.relation(userId);
        if (r == Relation.FRIEND) {
            return false;
        }
        platform.follow(bot, userId, r == Relation.BLOCKED);
        return true;
    }
}
