package io.linegate.emulator.login;

import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import io.linegate.core.HtmlText;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Plain server-rendered pages: no scripts, stable element ids for browser tests. Pages are never
 * cached, since some carry one-time values (flow ids) in their forms, and never framed (a login or
 * consent button inside another site's frame is a clickjacking target), as LINE's own login pages
 * are not. Every page route goes through {@link #guard}: a control character in the URL is a 400
 * page, before anything could echo it into a {@code Location} header.
 */
final class Html {
    private static final String STYLE = "body{font-family:sans-serif;max-width:28em;margin:3em auto;padding:0 1em}"
            + "header{color:#fff;background:#06c755;padding:.5em 1em;margin-bottom:1em}"
            + "button{padding:.5em 1.5em;margin:.5em .5em 0 0}input[type=email],input[type=password]{display:block;width:100%;margin:.3em 0 1em}"
            + ".error{color:#c00}";

    private Html() {}

    static String esc(String s) {
        return HtmlText.escape(s);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A whole page; {@code body} is already escaped HTML. */
    static Reply page(HttpStatus status, String title, String body) {
        String html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + esc(title) + "</title><style>" + STYLE + "</style></head>\n<body>"
                + "<header>LINE (linegate emulator)</header>\n" + body + "\n</body></html>\n";
        return Reply.bytes(status, MediaType.HTML_UTF_8, html.getBytes(StandardCharsets.UTF_8))
                .header("cache-control", "no-store")
                .header("x-frame-options", "DENY")
                .header("content-security-policy", "frame-ancestors 'none'");
    }

    /** An error screen: {@code h1#error-title}, {@code p#error-message}. */
    static Reply error(HttpStatus status, String title, String message) {
        return page(status, title, "<h1 id=\"error-title\">" + esc(title) + "</h1>\n<p id=\"error-message\" class=\"error\">"
                + esc(message) + "</p>");
    }

    /** {@code 302 Found}: how the platform sends the browser to a callback or a LIFF endpoint. */
    static Reply redirect(String location) {
        return redirect(HttpStatus.FOUND, location);
    }

    /** {@code 303 See Other}: after a form POST, so that reloading does not post again. */
    static Reply seeOther(String location) {
        return redirect(HttpStatus.SEE_OTHER, location);
    }

    /**
     * A redirect, or a 400 page if the target has a control character: such a header cannot be sent
     * (it would split the response), and the target may carry a code, so it is not logged either.
     */
    private static Reply redirect(HttpStatus status, String location) {
        if (controlCharacterIn(location)) {
            return invalidUrl();
        }
        return Reply.bytes(status, null, new byte[0]).header("location", location).header("cache-control", "no-store");
    }

    /**
     * A page route that answers 400 when the request's path or any query parameter (name or value,
     * raw or percent-decoded) holds a control character (U+0000-U+001F, U+007F): such values are
     * never legitimate in the login flow, and some would otherwise end up in a {@code Location}.
     */
    static Router.Handler guard(Router.Handler page) {
        return c -> hasControlCharacter(c) ? invalidUrl() : page.handle(c);
    }

    private static boolean hasControlCharacter(Call c) {
        String raw = c.ctx().query();
        if (controlCharacterIn(c.ctx().path()) || controlCharacterIn(c.ctx().decodedPath()) || controlCharacterIn(raw)) {
            return true;
        }
        if (raw == null) {
            return false;
        }
        QueryParams q = QueryParams.fromQueryString(raw);
        for (String name : q.names()) {
            if (controlCharacterIn(name) || q.getAll(name).stream().anyMatch(Html::controlCharacterIn)) {
                return true;
            }
        }
        return false;
    }

    static boolean controlCharacterIn(String s) {
        if (s == null) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < 0x20 || ch == 0x7f) {
                return true;
            }
        }
        return false;
    }

    private static Reply invalidUrl() {
        return error(HttpStatus.BAD_REQUEST, "Invalid request", "A URL parameter contains a control character.");
    }

    static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + esc(name) + "\" value=\"" + esc(value) + "\">";
    }
}
