package io.linegate.webhook;

/**
 * A bot that {@code linegate serve --bot NAME} can run, found with {@link java.util.ServiceLoader}
 * (list the class in {@code META-INF/services/io.linegate.webhook.Bot}).
 */
public interface Bot {
    /** The name given to {@code --bot}. */
    String name();

    EventHandler handler();

    /** Handles events of a source over its flood limit when the flood policy is {@code ROUTE}. */
    default EventHandler floodHandler() {
        return null;
    }

    /** Handles events during maintenance mode; without one, events wait until maintenance ends. */
    default EventHandler maintenanceHandler() {
        return null;
    }
}
