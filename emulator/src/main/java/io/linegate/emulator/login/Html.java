package io.linegate.emulator.login;

import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import io.linegate.emulator.http.Reply;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Plain server-rendered pages: no scripts, stable element ids for browser tests. Pages are never
 * cached, since some carry one-time values (flow ids) in their forms.
 */
final class Html {
    private static final String STYLE = "body{font-family:sans-serif;max-width:28em;margin:3em auto;padding:0 1em}"
            + "header{color:#fff;background:#06c755;padding:.5em 1em;margin-bottom:1em}"
            + "button{padding:.5em 1.5em;margin:.5em .5em 0 0}input[type=email],input[type=password]{display:block;width:100%;margin:.3em 0 1em}"
            + ".error{color:#c00}";

    private Html() {}

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
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
                .header("cache-control", "no-store");
    }

    /** An error screen: {@code h1#error-title}, {@code p#error-message}. */
    static Reply error(HttpStatus status, String title, String message) {
        return page(status, title, "<h1 id=\"error-title\">" + esc(title) + "</h1>\n<p id=\"error-message\" class=\"error\">"
                + esc(message) + "</p>");
    }

    /** {@code 302 Found}: how the platform sends the browser to a callback or a LIFF endpoint. */
    static Reply redirect(String location) {
        return Reply.bytes(HttpStatus.FOUND, null, new byte[0]).header("location", location).header("cache-control", "no-store");
    }

    /** {@code 303 See Other}: after a form POST, so that reloading does not post again. */
    static Reply seeOther(String location) {
        return Reply.bytes(HttpStatus.SEE_OTHER, null, new byte[0]).header("location", location).header("cache-control", "no-store");
    }

    static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + esc(name) + "\" value=\"" + esc(value) + "\">";
    }
}
