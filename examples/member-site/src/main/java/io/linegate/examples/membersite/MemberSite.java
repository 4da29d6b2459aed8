package io.linegate.examples.membersite;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.Cookie;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.linegate.core.Secret;
import io.linegate.examples.membersite.Sessions.Session;
import io.linegate.login.AccountLinks;
import io.linegate.login.CallbackUrls;
import io.linegate.login.IdTokenVerifier;
import io.linegate.login.LiffAuth;
import io.linegate.login.LineJwks;
import io.linegate.login.LineLogin;
import io.linegate.login.LoginApi;
import io.linegate.login.LoginFlow;
import io.linegate.server.LiffVerifyService;
import io.linegate.store.LinkStore.Link;
import io.linegate.store.Store;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * code exchange, ID token), {@link AccountLinks} (nonces and the audit trail) and
 * {@link LiffVerifyService}. What is left here is pages and the site's own sessions.
 */
public final class MemberSite implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MemberSite.class);

    private final Server server;
    private final Sessions sessions;
    private final Map<String, Secret> members;
    private final LineLogin login;
    private final AccountLinks links;
    private final String base;
    private final String callbackUrl;
    private final String liffId;
    private final String liffSdkUrl;

    private MemberSite(Builder b) {
        this.base = b.publicUrl.toString().replaceAll("/+$", "");
        this.callbackUrl = base + "/callback";
        this.members = b.members;
        this.sessions = new Sessions(b.clock, base.startsWith("https:"));
        this.login = LineLogin.builder(b.channelId, b.channelSecret, b.store.pendingLogins())
                .callbackUrls(CallbackUrls.of(List.of(callbackUrl)))
                .platform(b.platform).clock(b.clock).build();
        this.links = new AccountLinks(b.store.links(), b.platform.toString(), b.clock);
        this.liffId = b.liffId;
        this.liffSdkUrl = b.platform.toString().replaceAll("/+$", "") + "/liff/sdk.js";
        LiffAuth liff = new LiffAuth(new IdTokenVerifier(b.channelId, b.channelSecret, new LineJwks(b.platform, b.clock),
                b.clock, Duration.ofMinutes(2)), new LoginApi(b.platform, b.channelId, b.channelSecret));
        BiFunction<ServiceRequestContext, LiffAuth.VerifiedUser, ObjectNode> withMember = (ctx, user) -> {
            ObjectNode o = LiffVerifyService.userJson(user);
            o.put("memberId", links.linkOfLineUser(user.userId()).map(Link::memberId).orElse(null));
            return o;
        };
        this.server = Server.builder()
                .port(new InetSocketAddress(b.host, b.port), SessionProtocol.HTTP)
                .service("/", page(this::home))
                .service("/signin", form(this::signIn))
                .service("/signout", form(this::signOut))
                .service("/login/line", page(this::loginWithLine))
                .service("/callback", page(this::callback))
                .service("/link", page(this::linkFromBot))
                .service("/unlink", form(this::unlink))
                .service("/liff", page((ctx, req, session) -> html(HttpStatus.OK, Pages.liff(liffId, liffSdkUrl))))
                .service("/api/liff/verify", new LiffVerifyService(liff, withMember))
                .build();
    }

    public static Builder builder(Store store, String loginChannelId, Secret loginChannelSecret) {
        return new Builder(store, loginChannelId, loginChannelSecret);
    }

    public MemberSite start() {
        server.start().join();
        return this;
    }

    public int port() {
        return server.activeLocalPort();
    }

    /** The page the bot's "link my account" message points to (flow a). */
    public String linkPageUrl() {
        return base + "/link";
    }

    @Override
    public void close() {
        server.stop().join();
    }

    // ---- pages ------------------------------------------------------------------------------------

    private interface Page {
        HttpResponse serve(ServiceRequestContext ctx, AggregatedHttpRequest req, Optional<Session> session) throws Exception;
    }

    /** GET pages: run off the event loop (the store and LINE calls block), never show a stack trace. */
    private HttpService page(Page page) {
        return (ctx, req) -> HttpResponse.of(req.aggregate().thenApplyAsync(agg -> {
            try {
                return page.serve(ctx, agg, sessions.find(cookie(agg, Sessions.COOKIE)));
            } catch (Exception e) {
                log.error("page {} failed", ctx.path(), e);
                return html(HttpStatus.INTERNAL_SERVER_ERROR, Pages.message("Something went wrong", "Please try again."));
            }
        }, ctx.blockingTaskExecutor()));
    }

    /**
     * POST-only forms. Each handler that acts for a member checks the session's CSRF token; the
     * cookies are SameSite=Lax, so a cross-site POST carries no session in the first place.
     */
    private HttpService form(Page page) {
        HttpService get = page(page);
        return (ctx, req) -> {
            if (!req.method().name().equals("POST")) {
                return HttpResponse.of(HttpStatus.METHOD_NOT_ALLOWED);
            }
            return get.serve(ctx, req);
        };
    }

    private HttpResponse home(ServiceRequestContext ctx, AggregatedHttpRequest req, Optional<Session> session) {
        if (session.isEmpty()) {
            return html(HttpStatus.OK, Pages.signIn(null, null));
        }
        Session s = session.get();
        return html(HttpStatus.OK, Pages.member(s.memberId(), links.linkOfMember(s.memberId()).orElse(null), s.csrf(),
                query(req).get("notice")));
    }

    private HttpResponse signIn(ServiceRequestContext ctx, AggregatedHttpRequest req, Optional<Session> ignored) {
        QueryParams form = QueryParams.fromQueryString(req.contentUtf8());
        String member = form.get("member", "");
        String next = form.get("next", "/");
        Secret password = members.get(member);
        if (password == null || !password.matches(form.get("password", ""))) {
            return html(HttpStatus.UNAUTHORIZED, Pages.signIn("Unknown member or wrong password.", next));
        }
        Session s = sessions.start(member);
        // Only a path on this site: "next" comes from a URL anyone can craft (no open redirect).
        String target = next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
        return redirect(target, sessions.setCookie(s));
    }

    private HttpResponse signOut(ServiceRequestContext ctx, AggregatedHttpRequest req, Optional<Session> session) {
        if (session.isPresent() && !session.get().csrfMatches(QueryParams.fromQueryString(req.contentUtf8()).get("csrf"))) {
            return html(HttpStatus.FORBIDDEN, Pages.message("Refused", "The form is stale; reload the page."));
        }
        session.ifPresent(s -> sessions.end(s.id()));
        return redirect("/", sessions.clearCookie());
    }

    /** Log in with LINE: links the LINE account to the signed-in member, or signs in the member it is linked to. */
    private HttpResponse loginWithLine(ServiceRequestContext ctx, AggregatedHttpRequest req, Optional<Session> session) {
        LoginFlow.Begin begin = login.begin(callbackUrl, LoginFlow.Options.scopes("openid", "profile").withBotPrompt("normal"));
        return redirect(begin.authorizationUrl(), begin.setCookie());
    }

    private HttpResponse callback(ServiceRequestContext ctx, AggregatedHttpRequest req, Optional<Session> session)
            throws Exception {
        LineLogin.Result r = login.complete(cookie(req, LoginFlow.COOKIE), query(req));
        if (r.lineError() != null) {
            return html(HttpStatus.OK, Pages.loginError(r.lineError().error(), r.lineError().description()));
        }
        if (r.refused() != null) {
            return html(HttpStatus.BAD_REQUEST, Pages.message("Login refused", r.refused().reason()));
        }
        LineLogin.LoggedIn in = r.loggedIn();
        String friendNotice = Boolean.TRUE.equals(in.friendshipStatusChanged())
                ? " You added our official account as a friend." : "";
        if (session.isPresent()) {
            links.linkAtLogin(session.get().memberId(), in);
            return redirect("/?notice=" + enc("Your LINE account is linked." + friendNotice), null);
        }
        Optional<Link> link = links.linkOfLineUser(in.lineUserId());
        if (link.isEmpty()) {
            return html(HttpStatus.OK, Pages.message("Not linked yet",
                    "This LINE account is not linked to a member. Sign in with your member account first, then link it."));
        }
        Session s = sessions.start(link.get().memberId());
        return redirect("/?notice=" + enc("Signed in with LINE." + friendNotice), sessions.setCookie(s));
    }

    /** Flow (a): the bot sent the user here with a link token; the member signs in, then LINE's dialog confirms. */
    private HttpResponse linkFromBot(ServiceRequestContext ctx, AggregatedHttpRequest req, Optional<Session> session) {
        String linkToken = query(req).get("linkToken");
        if (linkToken == null || linkToken.isBlank()) {
            return html(HttpStatus.BAD_REQUEST, Pages.message("Missing link token", "Open this page from the bot's message."));
        }
        if (session.isEmpty()) {
            return html(HttpStatus.OK, Pages.signIn("Sign in to link your LINE account.", "/link?linkToken=" + enc(linkToken)));
        }
        return redirect(links.startLink(session.get().memberId(), linkToken), null);
    }

    private HttpResponse unlink(ServiceRequestContext ctx, AggregatedHttpRequest req, Optional<Session> session) {
        if (session.isEmpty() || !session.get().csrfMatches(QueryParams.fromQueryString(req.contentUtf8()).get("csrf"))) {
            return html(HttpStatus.FORBIDDEN, Pages.message("Refused", "Sign in, then unlink from your page."));
        }
        boolean had = links.unlinkMember(session.get().memberId());
        return redirect("/?notice=" + enc(had ? "Your LINE account is unlinked." : "No LINE account was linked."), null);
    }

    // ---- plumbing ---------------------------------------------------------------------------------

    private static Map<String, String> query(AggregatedHttpRequest req) {
        QueryParams q = QueryParams.fromQueryString(URI.create(req.path()).getRawQuery());
        Map<String, String> m = new java.util.HashMap<>();
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

    private static HttpResponse html(HttpStatus status, String body) {
        return HttpResponse.of(ResponseHeaders.builder(status).contentType(MediaType.HTML_UTF_8)
                .add("Cache-Control", "no-store").add("X-Frame-Options", "DENY").build(),
                com.linecorp.armeria.common.HttpData.ofUtf8(body));
    }

    private static HttpResponse redirect(String location, String setCookie) {
        com.linecorp.armeria.common.ResponseHeadersBuilder h = ResponseHeaders.builder(HttpStatus.FOUND).add(HttpHeaderNames.LOCATION, location)
                .add("Cache-Control", "no-store");
        if (setCookie != null) {
            h.add(HttpHeaderNames.SET_COOKIE, setCookie);
        }
        return HttpResponse.of(h.build());
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
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

        public MemberSite build() {
            if (publicUrl == null) {
                throw new IllegalStateException("publicUrl is required (the callback URL is derived from it)");
            }
            return new MemberSite(this);
        }
    }
}
