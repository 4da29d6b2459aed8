package io.linegate.webhook;

import com.linecorp.bot.webhook.model.Event;
import com.linecorp.bot.webhook.model.MessageContent;
import com.linecorp.bot.webhook.model.MessageEvent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Routes events to handlers by type, the usual way to build a bot's {@link EventHandler}.
 *
 * <pre>{@code
 * EventHandler bot = EventRouter.builder()
 *     .onMessage(TextMessageContent.class, (ctx, text) -> ctx.reply(new TextMessage(text.text())))
 *     .on(FollowEvent.class, (ctx, follow) -> ctx.reply(new TextMessage("Welcome!")))
 *     .fallback(ctx -> log.info("unhandled {}", ctx.rawJson()))
 *     .build();
 * }</pre>
 *
 * <p>Event types and message types the SDK does not know (new ones LINE adds without notice) and
 * anything without a route reach the fallback with the raw JSON; the default fallback does nothing.
 */
public final class EventRouter implements EventHandler {

    /** A handler for one event or message type. */
    @FunctionalInterface
    public interface Route<T> {
        void handle(EventContext ctx, T value) throws Exception;
    }

    private final Map<Class<?>, Route<Object>> events;
    private final Map<Class<?>, Route<Object>> messages;
    private final EventHandler fallback;

    private EventRouter(Builder b) {
        this.events = Map.copyOf(b.events);
        this.messages = Map.copyOf(b.messages);
        this.fallback = b.fallback;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void handle(EventContext ctx) throws Exception {
        Event event = ctx.event();
        if (event instanceof MessageEvent) {
            MessageContent content = ((MessageEvent) event).message();
            Route<Object> route = content == null ? null : find(messages, content.getClass());
            if (route != null) {
                route.handle(ctx, content);
                return;
            }
        }
        Route<Object> route = event == null ? null : find(events, event.getClass());
        if (route != null) {
            route.handle(ctx, event);
        } else {
            fallback.handle(ctx);
        }
    }

    private static Route<Object> find(Map<Class<?>, Route<Object>> routes, Class<?> type) {
        Route<Object> exact = routes.get(type);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<Class<?>, Route<Object>> e : routes.entrySet()) {
            if (e.getKey().isAssignableFrom(type)) {
                return e.getValue();
            }
        }
        return null;
    }

    public static final class Builder {
        private final Map<Class<?>, Route<Object>> events = new LinkedHashMap<>();
        private final Map<Class<?>, Route<Object>> messages = new LinkedHashMap<>();
        private EventHandler fallback = ctx -> { };

        private Builder() {}

        /** Handles events of {@code type} (for example {@code FollowEvent.class}). */
        public <T extends Event> Builder on(Class<T> type, Route<? super T> route) {
            events.put(type, erase(route));
            return this;
        }

        /** Handles message events whose content is {@code type} (for example {@code TextMessageContent.class}). */
        public <T extends MessageContent> Builder onMessage(Class<T> type, Route<? super T> route) {
            messages.put(type, erase(route));
            return this;
        }

        /** Handles unknown event and message types, and events without a route. */
        public Builder fallback(EventHandler fallback) {
            this.fallback = fallback;
            return this;
        }

        public EventRouter build() {
            return new EventRouter(this);
        }

        @SuppressWarnings("unchecked")
        private static <T> Route<Object> erase(Route<? super T> route) {
            return (Route<Object>) (Route<?>) route;
        }
    }
}
