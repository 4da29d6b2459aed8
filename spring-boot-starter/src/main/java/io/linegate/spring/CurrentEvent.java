package io.linegate.spring;

import io.linegate.webhook.EventContext;

/** The event an {@link EventMapping} method is handling on this thread, for the contextual API client. */
final class CurrentEvent {
    private static final ThreadLocal<Current> CURRENT = new ThreadLocal<>();

    record Current(String channel, EventContext ctx) {}

    interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private CurrentEvent() {}

    static Scope enter(String channel, EventContext ctx) {
        Current outer = CURRENT.get();
        CURRENT.set(new Current(channel, ctx));
        return () -> {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        };
    }

    /** The event being handled on this thread, whatever its channel, or null. */
    static EventContext current() {
        Current c = CURRENT.get();
        return c != null ? c.ctx() : null;
    }

    /** The event being handled on this thread for {@code channel}, or null. */
    static EventContext of(String channel) {
        Current c = CURRENT.get();
        return c != null && c.channel().equals(channel) ? c.ctx() : null;
    }
}
