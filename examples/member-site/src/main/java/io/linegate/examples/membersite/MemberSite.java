package io.linegate.examples.membersite;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.Cookie;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.linegate.core.Secret;
import io.linegate.examples.membersite.Sessions.Session;
import io.linegate.login.AccountLinks;
import io.linegate.login.CallbackUrls;
import io.linegate.login.ClientAddresses;
import io.linegate.login.CsrfTokens;
import io.linegate.login.IdTokenVerifier;
import io.linegate.login.LiffAuth;
import io.linegate.login.LineJwks;
import io.linegate.login.LineLogin;
import io.linegate.login.LinkRequest;
import io.linegate.login.LoginApi;
import io.linegate.login.LoginFlow;
import io.linegate.login.NextTarget;
import io.linegate.login.Pkce;
import io.linegate.login.RequestRefusedException;
import io.linegate.server.LiffVerifyService;
import io.linegate.store.LinkStore.Link;
import io.linegate.store.LinkStore.LinkResult;
import io.linegate.store.Store;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An example member site: members sign in with the site's own account, then link their LINE account
 * by logging in with LINE (linking at Login) or from the bot's "link my account" message (the
 * Messaging API account-link flow), see the link, and unlink it at any time. A LIFF page shows how a
 * LIFF app proves its user to the server with a token instead of a user id.
 *
 * <p>Everything security-relevant is delegated to linegate: {@link LineLogin} (state, nonce, PKCE,
 * code exchange, ID token, the per-client cap), {@link AccountLinks} (nonces bound to link tokens,
 * confirmation, no silent replacement, the audit trail), {@link CsrfTokens}, {@link NextTarget} and
 * {@link LiffVerifyService}. What is left here is pages, the site's own sessions, and its cookies:
 * <ul>
 *   <li>every form that changes something is a POST with a CSRF token, the sign-in form included
 *       (bound to a sign-in cookie, so another site cannot sign the browser in to its own account);</li>
 *   <li>the session cookie is {@code SameSite=Strict}, so a cross-site request never carries it; only
 *       the login cookie is Lax, because LINE's redirect to {@code /callback} is a cross-site
 *       navigation. Where the browser arrives cross-site (the callback, the bot's link), the site
 *       answers with one same-site step ({@link Pages#onward}) before it looks at the session;</li>
 *   <li>nothing is linked before the member confirmed "link LINE account X to member Y?", and an
 *       existing link is replaced only if they ticked that too;</li>
 *   <li>signing in, with the form or with LINE, starts a new session and ends the browser's previous one
 *       on the server; the callback clears the login cookie; cookies are Secure on
 *       https; every answer carries CSP, {@code X-Frame-Options: DENY} and {@code Referrer-Policy}.</li>
 * </ul>
 */
public final class MemberSite implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MemberSite.class);

    private final Server server;
    private final Sessions sessions;
    private final Map<String, Secret> members;
    private final LineLogin login;
    private final AccountLinks links;
    private final CsrfTokens csrf;
    private final Clock clock;
    private final ScheduledExecutorService housekeeping;
    private final String base;
    private final String callbackUrl;
    private final String platformOrigin;
    private final String liffId;
    private final String liffSdkUrl;
    private final ClientAddresses clientAddresses;

    private MemberSite(Builder b) {
        this.base = b.publicUrl.toString().replaceAll("/+$", "");
        this.callbackUrl = base + "/callback";
        this.members = b.members;
        this.clock = b.clock;
        this.sessions = new Sessions(b.clock, base.startsWith("https:"));
        this.csrf = b.csrf;
        this.clientAddresses = b.trustedProxies.isEmpty() ? ClientAddresses.direct()
                : ClientAddresses.trusting(b.trustedProxies);
        URI platform = b.platform;
        this.platformOrigin = platform.getScheme() + "://" + platform.getRawAuthority();
        this.login = LineLogin.builder(b.channelId, b.channelSecret, b.store.pendingLogins())
                .callbackUrls(CallbackUrls.of(List.of(callbackUrl)))
                .platform(platform).clock(b.clock).csrfTokens(csrf).build();
        this.links = AccountLinks.builder(b.store.links()).accessBase(platform.toString()).clock(b.clock).csrfTokens(csrf).build();
        this.liffId = b.liffId;
        this.liffSdkUrl = platformOrigin + "/liff/sdk.js";
        LiffAuth liff = new LiffAuth(new IdTokenVerifier(b.channelId, b.channelSecret, new LineJwks(platform, b.clock),
                b.clock, Duration.ofMinutes(2)), new LoginApi(platform, b.channelId, b.channelSecret));
        BiFunction<ServiceRequestContext, LiffAuth.VerifiedUser, ObjectNode> withMember = (ctx, user) -> {
            ObjectNode o = LiffVerifyService.userJson(user);
            o.put("memberId", links.linkOfLineUser(user.userId()).map(Link::memberId).orElse(null));
            return o;
        };
        this.server = Server.builder()
                .port(new InetSocketAddress(b.host, b.port), SessionProtocol.HTTP)
                .decorator((delegate, ctx, req) -> {
                    // On every answer, pages, redirects and errors alike; the pages add their CSP.
                    ctx.addAdditionalResponseHeader("X-Frame-Options", "DENY");
                    ctx.addAdditionalResponseHeader("Referrer-Policy", "no-referrer");
                    ctx.addAdditionalResponseHeader("X-Content-Type-Options", "nosniff");
                    return delegate.serve(ctx, req);
                })
                .service("/", page(this::home))
                .service("/signin", form(this::signIn))
                .service("/signout", form(this::signOut))
                .service("/signin/line", page(this::finishLineSignIn))
                .service("/login/line", page(this::loginWithLine))
                .service("/login/line/link", form(this::linkWithLine))
                .service("/callback", page(this::callback))
                .service("/link/confirm", (ctx, req) -> req.method().name().equals("POST")
                        ? form(this::confirmLinkAtLogin).serve(ctx, req) : page(this::showLinkAtLogin).serve(ctx, req))
                .service("/link", page(this::linkFromBot))
                .service("/link/start", form(this::startLinkFromBot))
                .service("/unlink", form(this::unlink))
                .service("/liff", page((ctx, req, session) -> liffPage()))
                .service("/api/liff/verify", new LiffVerifyService(liff, withMember))
                .build();
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "member-site-housekeeping");
            t.setDaemon(true);
            return t;
        });
    }

    public static Builder builder(Store store, String loginChannelId, Secret loginChannelSecret) {
        return new Builder(store, loginChannelId, loginChannelSecret);
    }

    public MemberSite start() {
        server.start().join();
        // Logins and link nonces that were never completed, and idle sessions, do not pile up.
        housekeeping.scheduleWithFixedDelay(this::purgeExpired, 1, 1, TimeUnit.MINUTES);
        return this;
    }

    void purgeExpired() {
        try {
            login.purgeExpired(clock.instant());
            links.purgeExpired(clock.instant());
            sessions.purgeIdle();
        } catch (RuntimeException e) {
            log.warn("could not purge expired logins and link nonces; will try again", e);
        }
    }

    public int port() {
        return server.activeLocalPort();
    }

    /** The page the bot's "link my account" message points to (flow a). */
    public String linkPageUrl() {
        return base + "/link";
    }

    /** The site's account links, for the bot in the same process to complete and remove links. */
    public AccountLinks accountLinks() {
        return links;
    }

    @Override
    public void close() {
        housekeeping.shutdownNow();
        server.stop().join();
    }

    // ---- pages ------------------------------------------------------------------------------------

    private interface Page {
        HttpResponse serve(ServiceRequestContext ctx, AggregatedHttpRequest req, Optional<Session> session) throws Exception;
    }

    /**
     * GET pages: run off the event loop (the store and LINE calls block); a request the login module
     * refuses gets its status and reason; anything else unexpected is a 500 without a stack trace.
     */
    private HttpService page(Page page) {
        return (ctx, req) -> HttpResponse.of(req.aggregate().thenApplyAsync(agg -> {
            try {
                return page.serve(ctx, agg, sessions.find(cookie(agg, Sessions.COOKIE)));
            } catch (RequestRefusedException e) {
                HttpResponse r = html(HttpStatus.valueOf(e.status()), Pages.message("Refused", e.getMessage()));
                return e.status() == 429 ? r.mapHeaders(h -> h.toBuilder().add(HttpHeaderNames.RETRY_AFTER, "60").build()) : r;
            } catch (Exception e) {
                log.error("page {} failed", ctx.path(), e);
                return html(HttpStatus.INTERNAL_SERVER_ERROR, Pages.message("Something went wrong", "Please try again."));
            }
        }, ctx.blockingTaskExecutor()));
    }

    /** POST-only forms; each handler checks the CSRF token of the session (or of the sign-in cookie). */
    private HttpService form(Page page) {
        HttpService post = page(page);
        return (ctx, req) -> req.method().name().equals("POST") ? post.serve(ctx, req) : HttpResponse.of(HttpStatus.METHOD_NOT_ALLOWED);
    }

    private HttpResponse home(ServiceRequestContext ctx, AggregatedHttpRequest req, Optional<Session> session) {
        if (session.isEmpty()) {
            return signInPage(req, HttpStatus.OK, null, "/");
        }
        Session s = session.get();
        return html(HttpStatus.OK, Pages.member(s.memberId(), links.linkOfMember(s.memberId()).orElse(null), csrf.issue(s.id()),
                query(req).get("notice")));
    }

    /** The sign-in form, with the browser's sign-in cookie (made here if it has none) and a token bound to it. */
    private HttpResponse signInPage(AggregatedHttpRequest req, HttpStatus status, String notice, String next) {
        return signInPage(req, status, notice, next, true);
    }

    /**
     * @param mayReset whether a browser without the sign-in cookie gets a new one: not for a refused
     *                 post, which may come from another site (a cross-site post carries no SameSite=Strict
     *                 cookie, so a new one would replace the form's cookie in the browser's open tab)
     */
    private HttpResponse signInPage(AggregatedHttpRequest req, HttpStatus status, String notice, String next, boolean mayReset) {
        String id = cookie(req, Sessions.SIGN_IN_COOKIE);
        String setCookie = null;
        if (!mayReset && (id == null || id.isEmpty())) {
            return html(status, Pages.message("Refused", notice));
        }
        if (id == null || id.isEmpty()) {
            id = Pkce.randomToken(32);
            setCookie = sessions.signInCookie(id);
        }
        HttpResponse page = html(status, Pages.signIn(notice, next, csrf.issue("sign-in:" + id)));
        String c = setCookie;
        return c == null ? page : page.mapHeaders(h -> h.toBuilder().add(HttpHeaderNames.SET_COOKIE, c).build());
    }

    private HttpResponse signIn(ServiceRequestContext ctx, AggregatedHttpRequest req, Optional<Session> current) {
        QueryParams form = form(req);
        String next = NextTarget.orElse(form.get("next"), "/");
        String signInId = cookie(req, Sessions.SIGN_IN_COOKIE);
        if (signInId == null || !csrf.matches("sign-in:" + signInId, form.get("csrf"))) {
            // A cross-site post has no sign-in cookie (SameSite=Strict): another site cannot sign this browser in.
            return signInPage(req, HttpStatus.FORBIDDEN, "The sign-in form expired or did not come from this site; sign in again.",
                    next, false);
        }
        String member = form.get("member", "");
        Secret password = members.get(member);
        if (password == null || !password.matches(form.get("password", ""))) {
            return signInPage(req, HttpStatus.UNAUTHORIZED, "Unknown member or wrong password.", next);
        }
        Session s = sessions.rotate(current.map(Session::id).orElse(cookie(req, Sessions.COOKIE)), member);
        return redirect(next, sessions.setCookie(s));
    }

    /**
     * Only with the session's CSRF token, and only then is the cookie cleared: a post from another
     * site carries no session cookie (SameSite=Strict) and no token, and changes nothing (answering it
     * with a cleared cookie would sign the browser out while the session lived on).
     */
    private HttpResponse signOut(ServiceRequestContext ctx, AggregatedHttpRequest req, Optional<Session> session) {
        if (session.isEmpty() || !csrf.matches(session.get().id(), form(req).get("csrf"))) {
            return html(HttpStatus.FORBIDDEN, Pages.message("Refused",
                    "The sign-out form is stale or did not come from this site; nothing was changed. Reload the page."));
        }
        sessions.end(session.get().id());
        return redirect("/", sessions.clearCookie());
    }

    /** Log in with LINE (GET, from the sign-in page): signs in the member the LINE account is linked to. Never links. */
    private HttpResponse loginWithLine(ServiceRequestContext ctx, AggregatedHttpRequest req, Optional<Session> session) {
        LoginFlow.Begin begin = login.begin(callbackUrl, LoginFlow.Options.scopes("openid", "profile").withBotPrompt("normal"),
                client(ctx));
        return redirect(begin.authorizationUrl(), begin.setCookie());
    }

    /** Link your LINE account (POST, from the member page): a login that links the signed-in member, once they confirm. */
    private HttpResponse linkWithLine(ServiceRequestContext ctx, AggregatedHttpRequest req, Optional<Session> session) {
        LoginFlow.Begin begin = login.beginLink(callbackUrl, LoginFlow.Options.scopes("openid", "profile").withBotPrompt("normal"),
                linkRequest(ctx, req, session));
        return redirect(begin.authorizationUrl(), begin.setCookie());
    }

    /**
     * LINE's redirect back: a cross-site navigation, so the session cookie is not here (and not needed:
     * a link login names its member itself). The login cookie is cleared in every case.
     */
    private HttpResponse callback(ServiceRequestContext ctx, AggregatedHttpRequest req, Optional<Session> ignored)
            throws Exception {
        LineLogin.Result r = login.complete(cookie(req, LoginFlow.COOKIE), query(req));
        String clear = LoginFlow.clearCookie();
        if (r.lineError() != null) {
            return withCookies(html(HttpStatus.OK, Pages.loginError(r.lineError().error(), r.lineError().description())), clear);
        }
        if (r.refused() != null) {
            return withCookies(html(HttpStatus.BAD_REQUEST, Pages.message("Login refused", r.refused().reason())), clear);
        }
        LineLogin.LoggedIn in = r.loggedIn();
        boolean friend = Boolean.TRUE.equals(in.friendshipStatusChanged());
        if (in.linkMemberId() != null) {
            AccountLinks.LinkProposal p = links.propose(in);
            return onward("/link/confirm?ticket=" + enc(p.ticket()) + (friend ? "&friend=1" : ""), clear);
        }
        Optional<Link> link = links.linkOfLineUser(in.lineUserId());
        if (link.isEmpty()) {
            return withCookies(html(HttpStatus.OK, Pages.message("Not linked yet",
                    "This LINE account is not linked to a member. Sign in with your member account first, then link it.")), clear);
        }
        // The browser's session cookie is not sent here (Strict), so the sign-in ends on the same-site step
        // that follows, where it is: that session is ended there, not merely forgotten by the browser.
        String pending = sessions.pendLineSignIn(link.get().memberId());
        return onward("/signin/line" + (friend ? "?friend=1" : ""), clear, sessions.lineSignInCookie(pending));
    }

    /**
     * The end of a sign-in with LINE, one same-site step after the callback: the member the callback
     * verified is signed in and the browser's previous session ends. Only in the browser the callback
     * answered (its Strict cookie, single use, two minutes), so another site cannot sign a browser in.
     */
    private HttpResponse finishLineSignIn(ServiceRequestContext ctx, AggregatedHttpRequest req, Optional<Session> current) {
        Optional<String> member = sessions.takeLineSignIn(cookie(req, Sessions.LINE_SIGN_IN_COOKIE));
        if (member.isEmpty()) {
            return withCookies(html(HttpStatus.FORBIDDEN, Pages.message("Refused",
                    "This sign-in expired or did not start in this browser; log in with LINE again.")),
                    sessions.clearLineSignInCookie());
        }
        Session s = sessions.rotate(current.map(Session::id).orElse(cookie(req, Sessions.COOKIE)), member.get());
        return withCookies(redirect("/?notice=" + enc("Signed in with LINE." + friendNotice("1".equals(query(req).get("friend")))),
                sessions.setCookie(s)), sessions.clearLineSignInCookie());
    }

    /** "Link LINE account X to member Y?" for a link at LINE Login: only for the member who started it. */
    private HttpResponse showLinkAtLogin(ServiceRequestContext ctx, AggregatedHttpRequest req, Optional<Session> session) {
        Map<String, String> q = query(req);
        if (session.isEmpty()) {
            return signInPage(req, HttpStatus.OK, "Sign in to link your LINE account.", "/");
        }
        Optional<AccountLinks.LinkProposal> p = links.proposal(session.get().memberId(), q.get("ticket"));
        if (p.isEmpty()) {
            return html(HttpStatus.FORBIDDEN, Pages.message("Nothing to confirm",
                    "This link has expired or was started by someone else; link your LINE account again from your page."));
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("ticket", q.get("ticket"));
        if ("1".equals(q.get("friend"))) {
            fields.put("friend", "1");
        }
        return html(HttpStatus.OK, Pages.confirmLink("/link/confirm", p.get().lineUserId(), p.get().memberId(),
                p.get().memberLink().orElse(null), p.get().lineUserLink().orElse(null),
                links.confirmationToken(session.get().id(), q.get("ticket")), fields));
    }

    private HttpResponse confirmLinkAtLogin(ServiceRequestContext ctx, AggregatedHttpRequest req, Optional<Session> session) {
        QueryParams form = form(req);
        LinkResult r = links.confirm(linkRequest(ctx, req, session), form.get("ticket"), "yes".equals(form.get("replace")));
        return linked(r, "1".equals(form.get("friend")));
    }

    private HttpResponse linked(LinkResult r, boolean friend) {
        if (!r.linked()) {
            return html(HttpStatus.CONFLICT, Pages.message("Nothing was changed",
                    "Linking would replace an existing link, and you did not confirm that. Start again and tick \"replace\"."));
        }
        return redirect("/?notice=" + enc("Your LINE account is linked." + friendNotice(friend)), null);
    }

    /**
     * Flow (a): the bot sent the user here with a link token. Arriving from LINE is a cross-site
     * navigation without the session cookie, so one same-site step first; then the member signs in if
     * need be, and confirms "link LINE account X to member Y?" in a POST.
     */
    private HttpResponse linkFromBot(ServiceRequestContext ctx, AggregatedHttpRequest req, Optional<Session> session) {
        Map<String, String> q = query(req);
        String linkToken = q.get("linkToken");
        if (linkToken == null || linkToken.isBlank()) {
            return html(HttpStatus.BAD_REQUEST, Pages.message("Missing link token", "Open this page from the bot's message."));
        }
        String here = "/link?linkToken=" + enc(linkToken);
        if (session.isEmpty() && q.get("onward") == null) {
            return onward(here + "&onward=1");
        }
        if (session.isEmpty()) {
            return signInPage(req, HttpStatus.OK, "Sign in to link your LINE account.", here);
        }
        Optional<String> lineUser = links.linkTokenUser(linkToken);
        if (lineUser.isEmpty()) {
            return html(HttpStatus.BAD_REQUEST, Pages.message("Link expired",
                    "This link has expired or did not come from our official account; send \"link my account\" to it again."));
        }
        String member = session.get().memberId();
        return html(HttpStatus.OK, Pages.confirmLink("/link/start", lineUser.get(), member,
                links.linkOfMember(member).orElse(null), links.linkOfLineUser(lineUser.get()).orElse(null),
                csrf.issue(session.get().id()), Map.of("linkToken", linkToken)));
    }

    private HttpResponse startLinkFromBot(ServiceRequestContext ctx, AggregatedHttpRequest req, Optional<Session> session) {
        QueryParams form = form(req);
        return redirect(links.startLink(linkRequest(ctx, req, session), form.get("linkToken"), "yes".equals(form.get("replace"))),
                null);
    }

    private HttpResponse unlink(ServiceRequestContext ctx, AggregatedHttpRequest req, Optional<Session> session) {
        if (session.isEmpty() || !csrf.matches(session.get().id(), form(req).get("csrf"))) {
            return html(HttpStatus.FORBIDDEN, Pages.message("Refused", "Sign in, then unlink from your page."));
        }
        boolean had = links.unlinkMember(session.get().memberId());
        return redirect("/?notice=" + enc(had ? "Your LINE account is unlinked." : "No LINE account was linked."), null);
    }

    private HttpResponse liffPage() {
        String nonce = Pkce.randomToken(16);
        return html(HttpStatus.OK, Pages.liff(liffId, liffSdkUrl, nonce),
                "script-src 'nonce-" + nonce + "' " + platformOrigin + "; connect-src 'self'");
    }

    // ---- plumbing ---------------------------------------------------------------------------------

    /** The member's request to link, as the login module checks it (no session: refused there). */
    private LinkRequest linkRequest(ServiceRequestContext ctx, AggregatedHttpRequest req, Optional<Session> session) {
        return new LinkRequest(session.map(Session::memberId).orElse(null), session.map(Session::id).orElse(null),
                form(req).get("csrf"), client(ctx));
    }

    /** The client's address for the login limits: the peer's, or behind a trusted proxy the one it forwards. */
    private String client(ServiceRequestContext ctx) {
        List<String> forwarded = ctx.request().headers().getAll("x-forwarded-for");
        return clientAddresses.of(ctx.remoteAddress().getAddress(), forwarded.isEmpty() ? null : String.join(",", forwarded));
    }

    private static String friendNotice(boolean friend) {
        return friend ? " You added our official account as a friend." : "";
    }

    private static QueryParams form(AggregatedHttpRequest req) {
        return QueryParams.fromQueryString(req.contentUtf8());
    }

    private static Map<String, String> query(AggregatedHttpRequest req) {
        QueryParams q = QueryParams.fromQueryString(URI.create(req.path()).getRawQuery());
        Map<String, String> m = new HashMap<>();
        q.names().forEach(n -> m.put(n, q.get(n)));
        return m;
    }

    private static String cookie(AggregatedHttpRequest req, String name) {
        for (Cookie c : req.headers().cookies()) {
            if (c.name().equals(name)) {
                return c.value();
            }
        }
        return null;
    }

    /**
     * The policy of every page: nothing loads from elsewhere, forms post to this site (whose link forms
     * redirect on to LINE), nothing frames it. {@code scripts} adds what a page's scripts need.
     */
    private String csp(String scripts) {
        return "default-src 'none'; img-src 'self'; form-action 'self' " + platformOrigin
                + "; frame-ancestors 'none'; base-uri 'none'" + (scripts == null ? "" : "; " + scripts);
    }

    private HttpResponse html(HttpStatus status, String body) {
        return html(status, body, null);
    }

    private HttpResponse html(HttpStatus status, String body, String scripts) {
        return HttpResponse.of(ResponseHeaders.builder(status).contentType(MediaType.HTML_UTF_8)
                .add(HttpHeaderNames.CACHE_CONTROL, "no-store").add("Content-Security-Policy", csp(scripts)).build(),
                HttpData.ofUtf8(body));
    }

    /** A same-site step to {@code location} (see {@link Pages#onward}), setting {@code cookies}. */
    private HttpResponse onward(String location, String... cookies) {
        return withCookies(html(HttpStatus.OK, Pages.onward(location)), cookies);
    }

    private static HttpResponse withCookies(HttpResponse response, String... cookies) {
        List<String> set = new ArrayList<>();
        for (String c : cookies) {
            if (c != null) {
                set.add(c);
            }
        }
        return set.isEmpty() ? response : response.mapHeaders(h -> {
            ResponseHeadersBuilder b = h.toBuilder();
            set.forEach(c -> b.add(HttpHeaderNames.SET_COOKIE, c));
            return b.build();
        });
    }

    /** {@code 303 See Other} (after a POST the browser GETs the target), setting {@code setCookie}. */
    private static HttpResponse redirect(String location, String setCookie) {
        ResponseHeadersBuilder h = ResponseHeaders.builder(HttpStatus.SEE_OTHER).add(HttpHeaderNames.LOCATION, location)
                .add(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (setCookie != null) {
            h.add(HttpHeaderNames.SET_COOKIE, setCookie);
        }
        return HttpResponse.of(h.build());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    public static final class Builder {
        private final Store store;
        private final String channelId;
        private final Secret channelSecret;
        private URI platform = URI.create("https://access.line.me");
        private URI publicUrl;
        private String host = "127.0.0.1";
        private int port;
        private String liffId;
        private Clock clock = Clock.systemUTC();
        private Map<String, Secret> members = Map.of();
        private CsrfTokens csrf = CsrfTokens.random();
        private List<String> trustedProxies = List.of();

        private Builder(Store store, String channelId, Secret channelSecret) {
            this.store = store;
            this.channelId = channelId;
            this.channelSecret = channelSecret;
        }

        /** The LINE Platform, both hosts at one URL: the emulator's (the real platform has two hosts). */
        public Builder platform(URI uri) { this.platform = uri; return this; }

        /** The URL browsers reach the site at; {@code /callback} below it is the registered callback URL. */
        public Builder publicUrl(URI uri) { this.publicUrl = uri; return this; }

        public Builder listen(String host, int port) { this.host = host; this.port = port; return this; }

        public Builder liffId(String liffId) { this.liffId = liffId; return this; }

        public Builder clock(Clock clock) { this.clock = clock; return this; }

        /** The site's own accounts: member id to password (an example; a real site has a member database). */
        public Builder members(Map<String, Secret> members) { this.members = Map.copyOf(members); return this; }

        /** The key of the site's CSRF tokens [random: one process]; processes of one site share one. */
        public Builder csrfTokens(CsrfTokens csrf) { this.csrf = csrf; return this; }

        /**
         * The reverse proxies in front of the site (addresses or CIDR ranges) whose {@code X-Forwarded-For}
         * names the client for the login limits [none: the peer is the client]; see {@link io.linegate.login.ClientAddresses}.
         */
        public Builder trustedProxies(List<String> proxies) {
            ClientAddresses.trusting(proxies); // refuses a bad entry now, naming it
            this.trustedProxies = List.copyOf(proxies);
            return this;
        }

        public MemberSite build() {
            if (publicUrl == null) {
                throw new IllegalStateException("publicUrl is required (the callback URL is derived from it)");
            }
            return new MemberSite(this);
        }
    }
}
