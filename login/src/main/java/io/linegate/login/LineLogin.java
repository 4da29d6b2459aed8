package io.linegate.login;

import io.linegate.core.Secret;
import io.linegate.login.LoginApi.LoginTokens;
import io.linegate.store.PendingLogins;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LINE Login for a website, whole: {@link #begin} sends the browser to LINE with state, nonce and
 * PKCE bound to it; {@link #complete} checks the callback, exchanges the code with the same
 * {@code redirect_uri}, and verifies the ID token locally, so that what it returns is a LINE user id
 * the site may trust.
 *
 * <pre>{@code
 * LineLogin login = LineLogin.builder(channelId, channelSecret, store.pendingLogins())
 *         .callbackUrls(CallbackUrls.of("https://example.com/callback")).build();
 * Begin b = login.begin("https://example.com/callback", Options.scopes("openid", "profile"), clientAddress);
 * // redirect to b.authorizationUrl() with Set-Cookie: b.setCookie(); then, on the callback:
 * Result r = login.complete(cookieValue, queryParameters);   // and Set-Cookie: LoginFlow.clearCookie()
 * }</pre>
 *
 * <p>Safe by default: a sign-in ({@link #begin}) never links anything. Linking at LINE Login starts
 * only with {@link #beginLink}, a POST of the signed-in member carrying the CSRF token of their
 * session ({@link CsrfTokens}); its callback names the member ({@link LoggedIn#linkMemberId()}), and
 * {@link AccountLinks#propose} and {@link AccountLinks#confirm} then link only that member, only
 * after they confirmed, and never over an existing link unless they confirmed replacing it. Each
 * client address may start a limited number of logins a minute ({@link RequestRefusedException} with
 * 429 beyond), and {@link #purgeExpired} (run it every minute or so; the server's housekeeping does)
 * deletes logins that were never completed.
 */
public final class LineLogin {
    private static final Logger log = LoggerFactory.getLogger(LineLogin.class);

    /**
     * A member who logged in: the verified LINE user id, with the claims and tokens behind it;
     * {@code linkMemberId} is the member who started this login to link it ({@link #beginLink}), null
     * for a sign-in.
     */
    public record LoggedIn(String lineUserId, IdToken idToken, LoginTokens tokens, Boolean friendshipStatusChanged,
                           String linkMemberId) {}

    /** How a callback ended. Exactly one part is set; show {@code lineError} and {@code refused} to the user. */
    public record Result(LoggedIn loggedIn, LoginFlow.LineError lineError, LoginFlow.Refused refused) {
        static Result refused(String reason) {
            return new Result(null, null, new LoginFlow.Refused(reason));
        }
    }

    private final LoginFlow flow;
    private final LoginApi api;
    private final IdTokenVerifier verifier;
    private final PendingLogins pending;
    private final CsrfTokens csrf;
    private final LoginStartLimit starts; // anonymous sign-ins, per client address
    private final LoginStartLimit memberStarts; // links started by signed-in members, per member
    private final int maxPendingLogins;
    private final Clock clock;

    private LineLogin(Builder b) {
        this.flow = new LoginFlow(b.channelId, b.accessBase.toString(), b.callbacks, b.pending, b.clock);
        this.pending = b.pending;
        this.csrf = b.csrf;
        this.starts = new LoginStartLimit(b.startsPerClientPerMinute, b.maxTrackedClients);
        this.memberStarts = new LoginStartLimit(b.startsPerClientPerMinute, b.maxTrackedClients);
        this.maxPendingLogins = b.maxPendingLogins;
        this.clock = b.clock;
        this.api = new LoginApi(b.apiBase, b.channelId, b.channelSecret);
        this.verifier = new IdTokenVerifier(b.channelId, b.channelSecret, new LineJwks(b.apiBase, b.clock), b.clock, b.skew);
    }

    public static Builder builder(String channelId, Secret channelSecret, PendingLogins pending) {
        return new Builder(channelId, channelSecret, pending);
    }

    /**
     * Starts a sign-in with LINE for the client at {@code clientAddress}. It never links: its callback
     * gives a verified LINE user id and nothing else.
     *
     * <p>Anonymous: counted against the client's address (see {@link ClientAddresses} behind a
     * proxy), and the oldest anonymous logins still pending beyond {@link Builder#maxPendingLogins}
     * are dropped, so that no flood can fill the store or refuse a newcomer.
     *
     * @throws RequestRefusedException 429 when this client started too many logins this minute
     */
    public LoginFlow.Begin begin(String redirectUri, LoginFlow.Options options, String clientAddress) {
        admit(starts, clientAddress);
        LoginFlow.Begin begin = flow.begin(redirectUri, options, null);
        int evicted = pending.evictOldestAnonymous(maxPendingLogins);
        if (evicted > 0) {
            log.warn("more than {} anonymous logins pending: the oldest {} dropped", maxPendingLogins, evicted);
        }
        return begin;
    }

    /**
     * Starts a login that links the signed-in member's LINE account: call it for a POST whose CSRF
     * token ({@link CsrfTokens#issue}) matches the member's session.
     *
     * <p>Counted per member, never against the anonymous cap of the member's address: a flood of
     * anonymous starts from the same network does not hold a signed-in member up.
     *
     * @throws RequestRefusedException 403 without a matching CSRF token; 429 when this member started
     *                                 too many logins this minute
     */
    public LoginFlow.Begin beginLink(String redirectUri, LoginFlow.Options options, LinkRequest request) {
        checkMember(csrf, request);
        admit(memberStarts, "member:" + request.memberId());
        return flow.begin(redirectUri, options, request.memberId());
    }

    static void checkMember(CsrfTokens csrf, LinkRequest request) {
        if (request == null || request.memberId() == null || request.memberId().isBlank()) {
            throw RequestRefusedException.forbidden("Sign in first, then link your LINE account from your page.");
        }
        if (!csrf.matches(request.siteSessionId(), request.csrfToken())) {
            throw RequestRefusedException.forbidden("The form is stale or did not come from this site; reload the page.");
        }
    }

    private void admit(LoginStartLimit limit, String client) {
        if (!limit.tryStart(client, clock.instant())) {
            log.warn("a client started too many logins this minute; refused with 429");
            throw RequestRefusedException.tooMany();
        }
    }

    /** The tokens that guard {@link #beginLink}; give the same to {@link AccountLinks}. */
    public CsrfTokens csrfTokens() {
        return csrf;
    }

    /** Deletes the logins that expired, completed or not; returns how many. */
    public int purgeExpired(Instant now) {
        return pending.purgeExpired(now);
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
            return new Result(new LoggedIn(userId, idToken, tokens, authorized.friendshipStatusChanged(),
                    authorized.linkMemberId()), null, null);
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
        private CsrfTokens csrf = CsrfTokens.random();
        private int startsPerClientPerMinute = 20;
        private int maxTrackedClients = 10_000;
        private int maxPendingLogins = 10_000;

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

        /** The tokens that guard starting a link [a random key: share one between processes with {@link CsrfTokens#withKey}]. */
        public Builder csrfTokens(CsrfTokens csrf) { this.csrf = Objects.requireNonNull(csrf, "csrf"); return this; }

        /**
         * How many logins one client address (or, for links, one signed-in member) may start a minute
         * [20], beyond which {@code 429}; and how many clients are counted at most in a minute [10,000],
         * beyond which the client counted first is forgotten (a newcomer is never refused).
         */
        public Builder startLimit(int perClientPerMinute, int maxClients) {
            this.startsPerClientPerMinute = perClientPerMinute;
            this.maxTrackedClients = maxClients;
            return this;
        }

        /**
         * How many anonymous logins may be pending at once in the store, shared by every process
         * [10,000]: beyond it the oldest are dropped (their visitors start again), so that a flood
         * from many addresses neither fills the store nor refuses a new visitor. Links started by
         * signed-in members are not counted.
         */
        public Builder maxPendingLogins(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxPendingLogins must be at least 1");
            }
            this.maxPendingLogins = n;
            return this;
        }

        public LineLogin build() {
            Objects.requireNonNull(callbacks, "callbackUrls");
            return new LineLogin(this);
        }
    }
}
