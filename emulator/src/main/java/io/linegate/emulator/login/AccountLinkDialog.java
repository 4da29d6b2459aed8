package io.linegate.emulator.login;

import static com.linecorp.armeria.common.HttpMethod.GET;
import static com.linecorp.armeria.common.HttpMethod.POST;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.QueryParams;
import io.linegate.emulator.domain.AccountLink;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.domain.Channel;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.RateLimiter.Limit;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;

/**
 * {@code access.line.me/dialog/bot/accountLink?linkToken&nonce} (Messaging API docs, "Link user accounts") as a browser page: the
 * LINE session is required (the login page first), then the user links or cancels. Linking does what
 * the control API's accountLink does ({@link AccountLink}); cancelling sends nothing.
 */
final class AccountLinkDialog {
    static final String PATH = "/dialog/bot/accountLink";
    private final LineLogin login;
    private final Sessions sessions;

    AccountLinkDialog(LineLogin login, Sessions sessions) {
        this.login = login;
        this.sessions = sessions;
    }

    void register(Router r) {
        r.on(GET, PATH).noAuth().limit(Limit.NONE).to(Html.guard(this::show));
        r.on(POST, PATH).noAuth().limit(Limit.NONE).to(Html.guard(this::submit));
    }

    private Reply show(Call c) {
        Sessions.Session s = sessions.current(c);
        if (s == null) {
            String q = c.ctx().query();
            return sessions.loginPage(PATH + (q == null ? "" : "?" + q), null, c.now());
        }
        String token = c.query("linkToken");
        Channel bot = AccountLink.issuer(login.platform(), token);
        if (bot == null) {
            return invalidToken();
        }
        String b = "<h1 id=\"link-title\">Link your LINE account with " + Html.esc(bot.displayName()) + "?</h1>\n"
                + "<form id=\"link-form\" method=\"post\" action=\"" + PATH + "\">"
                + Html.hidden("linkToken", token) + Html.hidden("nonce", c.query("nonce") == null ? "" : c.query("nonce"))
                + "<button type=\"submit\" id=\"link\" name=\"action\" value=\"link\">Link</button>"
                + "<button type=\"submit\" id=\"cancel\" name=\"action\" value=\"cancel\">Cancel</button></form>";
        return Html.page(HttpStatus.OK, "LINE: account link", b);
    }

    private Reply submit(Call c) {
        QueryParams f = c.form();
        Sessions.Session s = sessions.current(c);
        if (s == null) {
            return Html.error(HttpStatus.UNAUTHORIZED, "Not logged in", "Log in to LINE, then open the link again.");
        }
        if (!"link".equals(f.get("action"))) {
            return result("cancelled", "Account linking was cancelled.");
        }
        Channel bot = AccountLink.issuer(login.platform(), f.get("linkToken"));
        if (bot == null) {
            return invalidToken();
        }
        try {
            ObjectNode e = AccountLink.link(login.platform(), bot, s.userId(), f.get("linkToken"), f.get("nonce"), c.now());
            boolean ok = "ok".equals(e.path("link").path("result").asText());
            return result(ok ? "ok" : "failed", ok ? "Your accounts are linked." : "The accounts could not be linked.");
        } catch (ApiException e) {
            // A nonce of the wrong length names itself in the details; anything else is the token's fault.
            String why = e.body().path("details").path(0).path("message").asText(e.body().path("message").asText());
            return Html.error(HttpStatus.BAD_REQUEST, "Account link failed", why);
        }
    }

    /** §6: an expired or used link token gives no webhook; the user sees an error. */
    private static Reply invalidToken() {
        return Html.error(HttpStatus.BAD_REQUEST, "Account link failed", "The link has expired or was already used.");
    }

    private static Reply result(String result, String message) {
        return Html.page(HttpStatus.OK, "LINE: account link",
                "<p id=\"result\" data-result=\"" + result + "\">" + Html.esc(message) + "</p>");
    }
}
