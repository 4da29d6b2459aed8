package io.linegate.webhook;

import java.util.List;

/**
 * A bot: its handler and, if it wants them, its own middleware and its flood and maintenance
 * handlers. Build it in code with whatever it needs and host it with
 * {@code LinegateServer.builder(bot)}; or let {@code linegate serve --bot NAME [--bot-jar JAR]}
 * build it through its {@link BotFactory}, which is given the runtime's store and the bot's settings.
 * A bot listed in {@code META-INF/services/io.linegate.webhook.Bot}, with a public no-argument
 * constructor, is found by name too.
 */
public interface Bot extends AutoCloseable {
    /** The name given to {@code --bot}. */
    String name();

    EventHandler handler();

    /**
     * The bot's own links of the middleware chain, in order, after the runtime's mute, maintenance
     * and flood control (see {@link Middleware}).
     */
    default List<Middleware> middleware() {
        return List.of();
    }

    /** Handles events of a source over its flood limit when the flood policy is {@code ROUTE}. */
    default EventHandler floodHandler() {
        return null;
    }

    /** Handles events during maintenance mode; without one, events wait until maintenance ends. */
    default EventHandler maintenanceHandler() {
        return null;
    }

    /** Releases what the bot holds; the server calls it once it has stopped, after the last handler. */
    @Override
    default void close() {
    }
}
