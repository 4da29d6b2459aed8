package io.linegate.examples.membersite;

import io.linegate.core.HtmlText;
import io.linegate.store.LinkStore.Link;
import java.util.Map;

/** The site's HTML. Every value from outside is escaped; element ids are stable for the browser test. */
final class Pages {
    private Pages() {}

    /** The sign-in form; {@code csrf} is bound to the browser's sign-in cookie, so another site cannot post it. */
    static String signIn(String notice, String next, String csrf) {
        return layout("Sign in", (notice == null ? "" : "<p id=\"notice\">" + esc(notice) + "</p>") + """
                <form id="signin" method="post" action="/signin">
                  <input type="hidden" name="csrf" value="%s">
                  <input type="hidden" name="next" value="%s">
                  <label>Member id <input id="member" name="member" autocomplete="username"></label>
                  <label>Password <input id="password" name="password" type="password" autocomplete="current-password"></label>
                  <button id="sign-in" type="submit">Sign in</button>
                </form>
                <p>or <a id="login-with-line" href="/login/line">Log in with LINE</a> (once your LINE account is linked)</p>
                """.formatted(esc(csrf), esc(next == null ? "/" : next)));
    }

    static String member(String memberId, Link link, String csrf, String notice) {
        String linked = link == null
                ? """
                  <p id="link-status">No LINE account is linked.</p>
                  <form id="link-form" method="post" action="/login/line/link"><input type="hidden" name="csrf" value="%s">
                  <button id="link-line" type="submit">Link your LINE account</button></form>
                  <p>(you log in with LINE once), or send "link my account" to our official account in LINE.</p>
                  """.formatted(esc(csrf))
                : """
                  <p id="link-status">Linked LINE account: <span id="line-user">%s</span> (linked %s, via %s).</p>
                  <p>You can unlink it at any time, here or by sending "unlink my account" to our official account.</p>
                  <form id="unlink" method="post" action="/unlink"><input type="hidden" name="csrf" value="%s">
                  <button id="unlink-button" type="submit">Unlink my LINE account</button></form>
                  """.formatted(esc(link.lineUserId()), esc(link.linkedAt().toString()), esc(link.via()), esc(csrf));
        return layout("Your membership", (notice == null ? "" : "<p id=\"notice\">" + esc(notice) + "</p>")
                + "<p>Signed in as <strong id=\"member-id\">" + esc(memberId) + "</strong>.</p>" + linked + """
                <form method="post" action="/signout"><input type="hidden" name="csrf" value="%s">
                <button id="sign-out" type="submit">Sign out</button></form>
                """.formatted(esc(csrf)));
    }

    /**
     * "Link LINE account X to member Y?": nothing is linked until the member presses Link here. When
     * the link would replace one (of the member, or of the LINE account), the member must also tick
     * {@code input#replace}. {@code fields} are the hidden inputs the form posts back to {@code action}.
     */
    static String confirmLink(String action, String lineUserId, String memberId, Link memberLink, Link lineUserLink,
                              String csrf, Map<String, String> fields) {
        StringBuilder b = new StringBuilder();
        b.append("<p id=\"confirm-question\">Link LINE account <strong id=\"confirm-line-user\">").append(esc(lineUserId))
                .append("</strong> to member <strong id=\"confirm-member\">").append(esc(memberId)).append("</strong>?</p>");
        boolean replaces = false;
        if (memberLink != null && !memberLink.lineUserId().equals(lineUserId)) {
            replaces = true;
            b.append("<p class=\"warning\">Your membership is linked to LINE account ").append(esc(memberLink.lineUserId()))
                    .append(" now; linking replaces that link.</p>");
        }
        if (lineUserLink != null && !lineUserLink.memberId().equals(memberId)) {
            replaces = true;
            b.append("<p class=\"warning\">This LINE account is linked to another membership now; linking moves it here.</p>");
        }
        b.append("<form id=\"confirm-form\" method=\"post\" action=\"").append(esc(action)).append("\">")
                .append("<input type=\"hidden\" name=\"csrf\" value=\"").append(esc(csrf)).append("\">");
        fields.forEach((k, v) -> b.append("<input type=\"hidden\" name=\"").append(esc(k)).append("\" value=\"")
                .append(esc(v)).append("\">"));
        if (replaces) {
            b.append("<p><label><input type=\"checkbox\" id=\"replace\" name=\"replace\" value=\"yes\">"
                    + " Yes, replace the existing link</label></p>");
        }
        b.append("<button id=\"confirm-link\" type=\"submit\">Link</button> <a id=\"cancel-link\" href=\"/\">Cancel</a></form>");
        return layout("Link your LINE account?", b.toString());
    }

    /**
     * A step from a cross-site navigation (LINE's redirect, a link in a LINE message) to a same-site
     * one: the browser withholds the SameSite=Strict session cookie on the first, and sends it on the
     * second, which this page makes at once.
     */
    static String onward(String location) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0;url="
                + esc(location) + "\"><title>Continue - Example member site</title></head><body><p><a id=\"continue\" href=\""
                + esc(location) + "\">Continue</a></p></body></html>";
    }

    /** LINE sent the user back with an error: say what happened in words, and offer to try again. */
    static String loginError(String error, String description) {
        String words = switch (error) {
            case "ACCESS_DENIED" -> "You cancelled the login or did not allow access. Nothing was changed.";
            case "INVALID_SCOPE" -> "The site asked LINE for permissions it may not request.";
            case "LOGIN_REQUIRED", "INTERACTION_REQUIRED" -> "LINE needs you to log in again.";
            default -> "LINE could not complete the login.";
        };
        return layout("Login not completed", "<p id=\"login-error\" data-error=\"" + esc(error) + "\">" + esc(words)
                + "</p><p>(" + esc(error) + (description.isEmpty() ? "" : ": " + esc(description)) + ")</p>"
                + "<p><a href=\"/\">Back</a></p>");
    }

    static String message(String title, String text) {
        return layout(title, "<p id=\"message\">" + esc(text) + "</p><p><a href=\"/\">Back</a></p>");
    }

    /** The LIFF app: the SDK gets the ID token inside LINE; the page sends only that to the server. */
    static String liff(String liffId, String sdkUrl, String scriptNonce) {
        return layout("LIFF", """
                <p id="liff-user">Checking who you are...</p>
                <script src="%s"></script>
                <script nonce="%s">
                  liff.init({ liffId: "%s" }).then(() => {
                    if (!liff.isLoggedIn()) { liff.login(); return; }
                    return fetch("/api/liff/verify", { method: "POST", headers: { "Content-Type": "application/json" },
                        body: JSON.stringify({ idToken: liff.getIDToken() }) })
                      .then(r => r.json().then(b => ({ ok: r.ok, b })))
                      .then(({ ok, b }) => {
                        document.getElementById("liff-user").textContent = ok
                          ? "Verified LINE user " + b.userId + (b.memberId ? " (member " + b.memberId + ")" : " (not linked)")
                          : "Not verified: " + b.message;
                        document.getElementById("liff-user").dataset.userId = ok ? b.userId : "";
                      });
                  }).catch(e => { document.getElementById("liff-user").textContent = "LIFF failed: " + e; });
                </script>
                """.formatted(esc(sdkUrl), esc(scriptNonce), esc(liffId == null ? "" : liffId)));
    }

    private static String layout(String title, String body) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title)
                + " - Example member site</title></head><body><h1>" + esc(title) + "</h1>" + body + "</body></html>";
    }

    static String esc(String s) {
        return HtmlText.escape(s);
    }
}
