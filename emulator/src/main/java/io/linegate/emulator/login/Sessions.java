package io.linegate.emulator.login;

import static com.linecorp.armeria.common.HttpMethod.POST;

import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.QueryParams;
import io.linegate.emulator.domain.BoundedMap;
import io.linegate.emulator.domain.Ids;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.RateLimiter.Limit;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The browser's LINE session: the email-and-password page and the {@code SSO} cookie it sets on the
 * emulator's host (on the platform, a cookie on {@code access.line.me}, §5.1). The authorization
 * page, the account-link dialog and LIFF share it, so one login serves all three.
 */
final class Sessions {
    static final String COOKIE = "SSO";
    static final String LOGIN_PATH = "/oauth2/v2.1/login";
    private static final Duration PENDING = Duration.ofHours(1);

    record Session(String userId, Instant authTime) {
        @Override
        public String toString() {
            return "Session[" + userId + "]";
        }
    }

    /** A login page waiting for credentials: where the browser goes afterwards, and who is told. */
    private record Pending(String resumeUrl, Consumer<Session> onLogin, Instant expiresAt) {}

    private final LineLogin login;
    private final Map<String, Session> sessions = BoundedMap.of(100_000);
    private final Map<String, Pending> pending = BoundedMap.of(10_000);

    Sessions(LineLogin login) {
        this.login = login;
    }

    void register(Router r) {
        r.on(POST, LOGIN_PATH).noAuth().limit(Limit.NONE).to(Html.guard(this::submit));
    }

    /** The session of the browser that sent {@code c}, if its user still exists. */
    Session current(Call c) {
        for (String header : c.request().headers().getAll("cookie")) {
            for (String part : header.split(";")) {
                String p = part.strip();
                if (p.startsWith(COOKIE + "=")) {
                    Session s = sessions.get(p.substring(COOKIE.length() + 1));
                    if (s != null && login.platform().state().users().containsKey(s.userId())) {
                        return s;
                    }
                }
            }
        }
        return null;
    }

    /** The login page; after a successful login the browser is sent (303) to {@code resumeUrl}, a path on this host. */
    Reply loginPage(String resumeUrl, Consumer<Session> onLogin, Instant now) {
        String id = Ids.alnum(32, true);
        pending.put(id, new Pending(resumeUrl, onLogin, now.plus(PENDING)));
        return render(id, null, "");
    }

    private Reply submit(Call c) {
        QueryParams f = c.form();
        String id = f.get("pending", "");
        Pending p = pending.get(id);
        if (p == null || !c.now().isBefore(p.expiresAt())) {
            return Html.error(HttpStatus.BAD_REQUEST, "Login expired", "This login page has expired. Start again from the app.");
        }
        String userId = login.credentials().authenticate(f.get("email"), f.get("password"));
        if (userId == null) {
            // No redirect: the page again, as LINE's login screen does.
            return render(id, "Incorrect email address or password.", f.get("email", ""));
        }
        pending.remove(id);
        String value = Ids.alnum(43, true);
        Session s = new Session(userId, c.now());
        sessions.put(value, s);
        if (p.onLogin() != null) {
            p.onLogin().accept(s);
        }
        return Html.seeOther(p.resumeUrl())
                .header("set-cookie", COOKIE + "=" + value + "; Path=/; HttpOnly; SameSite=Lax");
    }

    private static Reply render(String pendingId, String error, String email) {
        StringBuilder b = new StringBuilder();
        b.append("<h1 id=\"login-title\">Log in to LINE</h1>\n");
        if (error != null) {
            b.append("<p id=\"error\" class=\"error\">").append(Html.esc(error)).append("</p>\n");
        }
        b.append("<form id=\"login-form\" method=\"post\" action=\"").append(LOGIN_PATH).append("\">")
                .append(Html.hidden("pending", pendingId))
                .append("<label for=\"email\">Email address</label>")
                .append("<input type=\"email\" id=\"email\" name=\"email\" autocomplete=\"username\" value=\"")
                .append(Html.esc(email)).append("\">")
                .append("<label for=\"password\">Password</label>")
                .append("<input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\">")
                .append("<button type=\"submit\" id=\"login\">Log in</button></form>");
        return Html.page(HttpStatus.OK, "LINE Login", b.toString());
    }
}
