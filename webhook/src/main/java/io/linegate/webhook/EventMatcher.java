package io.linegate.webhook;

import com.linecorp.bot.webhook.model.AccountLinkEvent;
import com.linecorp.bot.webhook.model.Event;
import com.linecorp.bot.webhook.model.LinkContent;
import com.linecorp.bot.webhook.model.MessageContent;
import com.linecorp.bot.webhook.model.MessageEvent;
import com.linecorp.bot.webhook.model.PostbackEvent;
import com.linecorp.bot.webhook.model.TextMessageContent;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides whether an event is for a route of an {@link EventRouter} and what the route is given:
 * {@code null} means "not this route". The factories here are what the router's {@code on...}
 * methods use; an annotation model or a bot can build routes from them (or from its own matchers)
 * with {@link EventRouter.Builder#route(int, EventMatcher, EventRouter.Route)}.
 *
 * <p>Matchers run on the handler thread for every event that reaches them, in route order: they
 * must be cheap and must not throw (a matcher that throws fails the event like a handler would).
 *
 * @param <T> what a matching event gives its route
 */
@FunctionalInterface
public interface EventMatcher<T> {

    /** What the route gets for {@code ctx}'s event, or null if the event is not for the route. */
    T match(EventContext ctx);

    /** Events of {@code type} or a subtype (for example {@code FollowEvent.class}). */
    static <E extends Event> EventMatcher<E> type(Class<E> type) {
        Objects.requireNonNull(type, "type");
        return ctx -> type.isInstance(ctx.event()) ? type.cast(ctx.event()) : null;
    }

    /** Message events whose content is of {@code type} (for example {@code TextMessageContent.class}). */
    static <C extends MessageContent> EventMatcher<C> message(Class<C> type) {
        Objects.requireNonNull(type, "type");
        return ctx -> ctx.event() instanceof MessageEvent m && type.isInstance(m.message()) ? type.cast(m.message()) : null;
    }

    /**
     * Text messages whose text, without leading and trailing white space, is exactly {@code text}
     * (case-sensitive; use {@link #text(Pattern)} with {@code CASE_INSENSITIVE} otherwise).
     */
    static EventMatcher<TextMessageContent> text(String text) {
        String wanted = Objects.requireNonNull(text, "text").strip();
        return ctx -> {
            TextMessageContent t = textOf(ctx);
            return t != null && t.text() != null && t.text().strip().equals(wanted) ? t : null;
        };
    }

    /**
     * Text messages in which {@code pattern} is found (anchor it with {@code ^...$} to match the
     * whole text); the route gets the message and the match, with its groups.
     */
    static EventMatcher<TextMatch> text(Pattern pattern) {
        Objects.requireNonNull(pattern, "pattern");
        return ctx -> {
            TextMessageContent t = textOf(ctx);
            if (t == null || t.text() == null) {
                return null;
            }
            Matcher m = pattern.matcher(t.text());
            return m.find() ? new TextMatch(t, m) : null;
        };
    }

    /** Postback events whose {@code data} starts with {@code prefix}. */
    static EventMatcher<PostbackEvent> postbackPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        return ctx -> ctx.event() instanceof PostbackEvent p && p.postback() != null && p.postback().data() != null
                && p.postback().data().startsWith(prefix) ? p : null;
    }

    /**
     * Postback events whose {@code data}, read as a query string ({@code action=buy&item=42}, the
     * form LINE's documentation uses), has every parameter of {@code required} with its value; a
     * {@code null} value in {@code required} asks only for the parameter to be present. The route
     * gets the event and all of its parsed parameters.
     */
    static EventMatcher<PostbackMatch> postbackParams(Map<String, String> required) {
        Map<String, String> wanted = new LinkedHashMap<>(Objects.requireNonNull(required, "required parameters"));
        return ctx -> {
            if (!(ctx.event() instanceof PostbackEvent p) || p.postback() == null || p.postback().data() == null) {
                return null;
            }
            Map<String, String> params = PostbackMatch.parse(p.postback().data());
            for (Map.Entry<String, String> w : wanted.entrySet()) {
                String v = params.get(w.getKey());
                if (v == null || (w.getValue() != null && !w.getValue().equals(v))) {
                    return null;
                }
            }
            return new PostbackMatch(p, params);
        };
    }

    /** Account-link events with {@code result} ({@code OK} or {@code FAILED}). */
    static EventMatcher<AccountLinkEvent> accountLink(LinkContent.Result result) {
        Objects.requireNonNull(result, "result");
        return ctx -> ctx.event() instanceof AccountLinkEvent a && a.link() != null && a.link().result() == result ? a : null;
    }

    private static TextMessageContent textOf(EventContext ctx) {
        return ctx.event() instanceof MessageEvent m && m.message() instanceof TextMessageContent t ? t : null;
    }

    /** A text message and where the pattern matched it. */
    final class TextMatch {
        private final TextMessageContent message;
        private final Matcher matcher; // after its successful find(); never handed out, so never moved on

        TextMatch(TextMessageContent message, Matcher matcher) {
            this.message = message;
            this.matcher = matcher;
        }

        public TextMessageContent message() {
            return message;
        }

        /** The whole text. */
        public String text() {
            return message.text();
        }

        /** The match (start, end, groups by number). */
        public MatchResult match() {
            return matcher.toMatchResult();
        }

        /** Capturing group {@code n} of the match (0 is the whole match); null if it matched nothing. */
        public String group(int n) {
            return matcher.group(n);
        }

        /** The named capturing group {@code name}; null if it matched nothing. */
        public String group(String name) {
            return matcher.group(name);
        }

        @Override
        public String toString() {
            return "TextMatch[" + matcher.group() + " in " + message.text() + "]";
        }
    }

    /** A postback event and the parameters of its {@code data}, in the order the data has them. */
    record PostbackMatch(PostbackEvent event, Map<String, String> params) {
        public PostbackMatch {
            params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        }

        public String data() {
            return event.postback().data();
        }

        /** The parameter's value, or null. */
        public String param(String name) {
            return params.get(name);
        }

        /**
         * Reads {@code data} as {@code application/x-www-form-urlencoded}. A parameter given twice
         * keeps its first value; a piece that cannot be decoded (a stray {@code %}) is skipped,
         * never an error: the data comes from a user's tap on what the bot sent, but it is not trusted.
         */
        static Map<String, String> parse(String data) {
            Map<String, String> out = new LinkedHashMap<>();
            for (String piece : data.split("&")) {
                if (piece.isEmpty()) {
                    continue;
                }
                int eq = piece.indexOf('=');
                try {
                    String key = decode(eq < 0 ? piece : piece.substring(0, eq));
                    String value = eq < 0 ? "" : decode(piece.substring(eq + 1));
                    out.putIfAbsent(key, value);
                } catch (IllegalArgumentException e) {
                    // not decodable: not a parameter
                }
            }
            return out;
        }

        private static String decode(String s) {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        }
    }
}
