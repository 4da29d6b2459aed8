package io.linegate.login;

import io.linegate.core.Secret;
import io.linegate.login.LoginApi.LoginTokens;
import io.linegate.store.PendingLogins;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LINE Login for a website, whole (DESIGN path 4): {@link #begin} sends the browser to LINE with
 * state, nonce and PKCE bound to it; {@link #complete} checks the callback, exchanges the code with
 * the same {@code redirect_uri}, and verifies the ID token locally, so that what it returns is a LINE
 * user id the site may trust.
 *
 * <pre>{@code
 * LineLogin login = LineLogin.builder(channelId, channelSecret, pendingLogins)
 *         .callbackUrls(CallbackUrls.of("https://example.com/callback")).build();
 * Begin b = login.begin("https://example.com/callback", Options.scopes("openid", "profile"));
 * // redirect to b.authorizationUrl() with Set-Cookie: b.setCookie(); then, on the callback:
 * Result r = login.complete(cookieValue, queryParameters);
 * }</pre>
 */
public final class LineLogin {
    private static final Logger log = LoggerFactory.getLogger(LineLogin.class);

    /** A member who logged in: the verified LINE user id, with the claims and tokens behind it. */
    public record LoggedIn(String lineUserId, IdToken idToken, LoginTokens tokens, Boolean friendshipStatusChanged) {}

    /** How a callback ended. Exactly one part is set; show {@code lineError} and {@code refused} to the user. */
    public record Result(LoggedIn loggedIn, LoginFlow.LineError lineError, LoginFlow.Refused refused) {
        static Result refused(String reason) {
            return new Result(null, null, new LoginFlow.Refused(reason));
        }
    }

    private final LoginFlow flow;
    private final LoginApi api;
    private final IdTokenVerifier verifier;

    private LineLogin(Builder b) {
        this.flow = new LoginFlow(b.channelId, b.accessBase.toString(), b.callbacks, b.pending, b.clock);
        this.api = new LoginApi(b.apiBase, b.channelId, b.channelSecret);
        this.verifier = new IdTokenVerifier(b.channelId, b.channelSecret, new LineJwks(b.apiBase, b.clock), b.clock, b.skew);
    }

    public static Builder builder(String channelId, Secret channelSecret, PendingLogins pending) {
        return new Builder(channelId, channelSecret, pending);
    }

    public LoginFlow.Begin begin(String redirectUri, LoginFlow.Options options) {
        return flow.begin(redirectUri, options);
    }

    /**
     * @param loginCookie the value of the {@link LoginFlow#COOKIE} cookie, null if the browser sent none
     * @param query       the callback's query parameters
     */
    public Result complete(String loginCookie, Map<String, String> query) throws IOException {
        LoginFlow.Callback callback = flow.callback(loginCookie, query);
        if (callback.authorized() == null) {
            return new Result(null, callback.lineError(), callback.refused());
        }
        LoginFlow.Authorized authorized = callback.authorized();
        LoginTokens tokens;
        try {
            tokens = api.exchange(authorized);
        } catch (LoginApiException e) {
            log.warn("the authorization code was refused at exchange: {}", e.getMessage());
            return Result.refused("LINE refused the login (" + e.error() + "); start again");
        }
        try {
            String userId;
            IdToken idToken = null;
            if (tokens.idToken() != null) {
                idToken = verifier.verify(tokens.idToken(), IdTokenVerifier.Source.WEB_LOGIN, authorized.nonce());
                userId = idToken.subject();
            } else { // no openid scope: the profile endpoint names the user the token belongs to
                userId = api.profile(tokens.accessToken()).userId();
            }
            return new Result(new LoggedIn(userId, idToken, tokens, authorized.friendshipStatusChanged()), null, null);
        } catch (InvalidIdTokenException e) {
            log.warn("the ID token of a login was refused: {}", e.getMessage());
            return Result.refused("the login could not be verified (" + e.getMessage() + "); start again");
        } catch (LoginApiException e) {
            return Result.refused("LINE refused the profile request (" + e.error() + "); start again");
        }
    }

    /** The Login endpoints, for refresh, revoke, deauthorize and friendship checks. */
    public LoginApi api() {
        return api;
    }

    public static final class Builder {
        private final String channelId;
        private final Secret channelSecret;
        private final PendingLogins pending;
        private CallbackUrls callbacks;
        private URI accessBase = URI.create("https://access.line.me");
        private URI apiBase = URI.create("https://api.line.me");
        private Clock clock = Clock.systemUTC();
        private Duration skew = Duration.ofMinutes(2);

        private Builder(String channelId, Secret channelSecret, PendingLogins pending) {
            this.channelId = Objects.requireNonNull(channelId, "channelId");
            this.channelSecret = Objects.requireNonNull(channelSecret, "channelSecret");
            this.pending = Objects.requireNonNull(pending, "pending logins store");
        }

        /** The callback URLs registered on the console (up to 400). Required. */
        public Builder callbackUrls(CallbackUrls callbacks) { this.callbacks = callbacks; return this; }

        /** Both LINE hosts at one URL: the emulator's. */
        public Builder platform(URI base) { this.accessBase = base; this.apiBase = base; return this; }

        public Builder accessBase(URI uri) { this.accessBase = uri; return this; }

        public Builder apiBase(URI uri) { this.apiBase = uri; return this; }

        public Builder clock(Clock clock) { this.clock = clock; return this; }

        /** How far apart LINE's clock and ours may be when checking {@code iat} and {@code exp} [2 minutes]. */
        public Builder clockSkew(Duration skew) { this.skew = skew; return this; }

        public LineLogin build() {
            Objects.requireNonNull(callbacks, "callbackUrls");
            return new LineLogin(this);
        }
    }
}
