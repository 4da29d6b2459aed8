package io.linegate.webhook;

import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.webhook.model.AccountLinkEvent;
import com.linecorp.bot.webhook.model.Event;
import com.linecorp.bot.webhook.model.FollowEvent;
import com.linecorp.bot.webhook.model.JoinEvent;
import com.linecorp.bot.webhook.model.LeaveEvent;
import com.linecorp.bot.webhook.model.LinkContent;
import com.linecorp.bot.webhook.model.MemberJoinedEvent;
import com.linecorp.bot.webhook.model.MemberLeftEvent;
import com.linecorp.bot.webhook.model.MessageContent;
import com.linecorp.bot.webhook.model.PostbackEvent;
import com.linecorp.bot.webhook.model.TextMessageContent;
import com.linecorp.bot.webhook.model.UnfollowEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Routes events to handlers by type and by content, the usual way to build a bot's
 * {@link EventHandler}.
 *
 * <pre>{@code
 * EventHandler bot = EventRouter.builder()
 *     .onText("help", (ctx, text) -> ctx.reply(new TextMessage("Try: weather Tokyo")))
 *     .onText(Pattern.compile("^weather (\\w+)$"), (ctx, m) -> ctx.reply(new TextMessage(forecast(m.group(1)))))
 *     .onMessage(TextMessageContent.class, (ctx, text) -> ctx.reply(new TextMessage(text.text())))
 *     .onPostback(Map.of("action", "buy"), (ctx, p) -> buy(ctx, p.param("item")))
 *     .onFollow((ctx, follow) -> ctx.reply(new TextMessage("Welcome!")))
 *     .fallback(ctx -> log.info("unhandled {}", ctx.rawJson()))
 *     .build();
 * }</pre>
 *
 * <p>The first route that matches handles the event, in registration order; a route registered
 * with a higher {@linkplain Builder#route(int, EventMatcher, Route) priority} is tried before those
 * with a lower one (the default is 0). So register specific routes (a command word) before general
 * ones (any text). Event types and message types the SDK does not know (new ones LINE adds without
 * notice) and anything no route matches reach the fallback with the raw JSON; the default fallback
 * does nothing.
 */
public final class EventRouter implements EventHandler {

    /** A handler for what a route's matcher found (the event, its message, a text match...). */
    @FunctionalInterface
    public interface Route<T> {
        void handle(EventContext ctx, T value) throws Exception;
    }

    /**
     * A handler that answers with messages instead of sending them itself: the router replies with
     * what it returns (nothing for null or an empty list). See {@link #replying(Responder)}.
     */
    @FunctionalInterface
    public interface Responder<T> {
        List<Message> respond(EventContext ctx, T value) throws Exception;
    }

    /** A route that replies with what {@code responder} returns. */
    public static <T> Route<T> replying(Responder<T> responder) {
        Objects.requireNonNull(responder, "responder");
        return (ctx, value) -> {
            List<Message> messages = responder.respond(ctx, value);
            if (messages != null && !messages.isEmpty()) {
                ctx.reply(messages);
            }
        };
    }

    private record Entry(int priority, int order, EventMatcher<Object> matcher, Route<Object> route) {}

    private final Entry[] routes;
    private final EventHandler fallback;

    private EventRouter(Builder b) {
        List<Entry> sorted = new ArrayList<>(b.routes);
        sorted.sort(Comparator.comparingInt((Entry e) -> -e.priority).thenComparingInt(Entry::order));
        this.routes = sorted.toArray(new Entry[0]);
        this.fallback = b.fallback;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void handle(EventContext ctx) throws Exception {
        for (Entry e : routes) {
            Object value = e.matcher.match(ctx);
            if (value != null) {
                e.route.handle(ctx, value);
                return;
            }
        }
        fallback.handle(ctx);
    }

    public static final class Builder {
        private final List<Entry> routes = new ArrayList<>();
        private EventHandler fallback = ctx -> { };

        private Builder() {}

        /**
         * The general form: {@code route} handles the events {@code matcher} matches, before every
         * route of a lower {@code priority} and after those of a higher one; among equal priorities,
         * in registration order. Every other method of this builder registers with priority 0.
         */
        public <T> Builder route(int priority, EventMatcher<T> matcher, Route<? super T> route) {
            Objects.requireNonNull(matcher, "matcher");
            Objects.requireNonNull(route, "route");
            routes.add(new Entry(priority, routes.size(), erase(matcher), erase(route)));
            return this;
        }

        /** {@link #route(int, EventMatcher, Route)} with priority 0. */
        public <T> Builder route(EventMatcher<T> matcher, Route<? super T> route) {
            return route(0, matcher, route);
        }

        /** Handles events of {@code type} or a subtype (for example {@code FollowEvent.class}). */
        public <T extends Event> Builder on(Class<T> type, Route<? super T> route) {
            return route(EventMatcher.type(type), route);
        }

        /** Handles message events whose content is {@code type} (for example {@code TextMessageContent.class}). */
        public <T extends MessageContent> Builder onMessage(Class<T> type, Route<? super T> route) {
            return route(EventMatcher.message(type), route);
        }

        /** Handles text messages that are exactly {@code text}, leading and trailing white space aside. */
        public Builder onText(String text, Route<? super TextMessageContent> route) {
            return route(EventMatcher.text(text), route);
        }

        /** Handles text messages in which {@code pattern} is found; the route gets the match. */
        public Builder onText(Pattern pattern, Route<? super EventMatcher.TextMatch> route) {
            return route(EventMatcher.text(pattern), route);
        }

        /** Handles postbacks whose data starts with {@code prefix}. */
        public Builder onPostback(String prefix, Route<? super PostbackEvent> route) {
            return route(EventMatcher.postbackPrefix(prefix), route);
        }

        /**
         * Handles postbacks whose data, read as a query string, has each of {@code required}'s
         * parameters with its value (a null value: any value); the route gets every parameter.
         */
        public Builder onPostback(Map<String, String> required, Route<? super EventMatcher.PostbackMatch> route) {
            return route(EventMatcher.postbackParams(required), route);
        }

        /** A user added the bot as a friend, or unblocked it. */
        public Builder onFollow(Route<? super FollowEvent> route) {
            return on(FollowEvent.class, route);
        }

        /** A user blocked the bot. */
        public Builder onUnfollow(Route<? super UnfollowEvent> route) {
            return on(UnfollowEvent.class, route);
        }

        /** The bot joined a group or a room. */
        public Builder onJoin(Route<? super JoinEvent> route) {
            return on(JoinEvent.class, route);
        }

        /** The bot left (or was removed from) a group or a room. */
        public Builder onLeave(Route<? super LeaveEvent> route) {
            return on(LeaveEvent.class, route);
        }

        /** Users joined a group or room the bot is in. */
        public Builder onMemberJoined(Route<? super MemberJoinedEvent> route) {
            return on(MemberJoinedEvent.class, route);
        }

        /** Users left a group or room the bot is in. */
        public Builder onMemberLeft(Route<? super MemberLeftEvent> route) {
            return on(MemberLeftEvent.class, route);
        }

        /** Any account-link event. */
        public Builder onAccountLink(Route<? super AccountLinkEvent> route) {
            return on(AccountLinkEvent.class, route);
        }

        /** Account-link events with {@code result}: {@code OK} (with the user) or {@code FAILED} (without). */
        public Builder onAccountLink(LinkContent.Result result, Route<? super AccountLinkEvent> route) {
            return route(EventMatcher.accountLink(result), route);
        }

        /** Handles unknown event and message types, and events no route matches. */
        public Builder fallback(EventHandler fallback) {
            this.fallback = Objects.requireNonNull(fallback, "fallback");
            return this;
        }

        public EventRouter build() {
            return new EventRouter(this);
        }

        @SuppressWarnings("unchecked")
        private static <T> Route<Object> erase(Route<? super T> route) {
            return (Route<Object>) (Route<?>) route;
        }

        @SuppressWarnings("unchecked")
        private static <T> EventMatcher<Object> erase(EventMatcher<T> matcher) {
            return (EventMatcher<Object>) (EventMatcher<?>) matcher;
        }
    }
}
