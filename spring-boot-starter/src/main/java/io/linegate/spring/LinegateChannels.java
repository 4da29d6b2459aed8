package io.linegate.spring;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;
import io.linegate.webhook.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * The application's LINE channels, started with the application context (before its web server takes
 * requests) and stopped with it (after the web server stopped taking them, so that every acknowledged
 * webhook is in the store).
 */
public final class LinegateChannels implements SmartLifecycle, DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(LinegateChannels.class);
    private final Map<String, LinegateChannel> channels = new LinkedHashMap<>();
    private final Function<String, EventHandler> handlers;
    private final java.util.function.BooleanSupplier warmsUp;
    private final WebhookRequests requests;
    private volatile boolean running;

    /**
     * {@code handlers} gives a channel's handler when the channels start, once every bean exists (null:
     * webhook handling is off); with
     * {@code warmsUp}, the channels take webhooks only once {@link LinegateWarmUp} has warmed them.
     */
    LinegateChannels(List<LinegateChannel> channels, Function<String, EventHandler> handlers,
                     java.util.function.BooleanSupplier warmsUp, WebhookRequests requests) {
        channels.forEach(c -> this.channels.put(c.name(), c));
        this.handlers = handlers;
        this.warmsUp = warmsUp;
        this.requests = requests;
    }

    /** The webhooks' requests, kept for their handlers. */
    WebhookRequests requests() {
        return requests;
    }

    /** Whether {@code warmUpHeader} (a request's {@link io.linegate.runtime.WarmUp#HEADER}) is a channel's warm-up token. */
    boolean isWarmUp(String warmUpHeader) {
        if (warmUpHeader == null) {
            return false;
        }
        for (LinegateChannel c : channels.values()) {
            if (c.warmingUpWith(warmUpHeader)) {
                return true;
            }
        }
        return false;
    }

    /** The channel of {@code line.bot.*} is {@code default}; others by their name under {@code linegate.channels}. */
    public LinegateChannel channel(String name) {
        LinegateChannel c = channels.get(name);
        if (c == null) {
            throw new NoSuchElementException("no LINE channel named '" + name + "'; the channels are " + channels.keySet());
        }
        return c;
    }

    public List<LinegateChannel> all() {
        return List.copyOf(channels.values());
    }

    @Override
    public synchronized void start() {
        boolean warm = warmsUp.getAsBoolean();
        for (LinegateChannel c : channels.values()) {
            EventHandler handler = handlers.apply(c.name());
            c.start(handler, warm);
            if (handler == null) {
                log.info("LINE channel '{}': webhook handling is off (line.bot.handler.enabled=false), clients only; store {}",
                        c.name(), c.store().location());
            } else {
                log.info("LINE channel '{}': webhooks on {}, store {}", c.name(), c.path(), c.store().location());
            }
        }
        running = true;
    }

    @Override
    public synchronized void stop() {
        running = false;
        for (LinegateChannel c : channels.values()) {
            try {
                c.stop();
            } catch (RuntimeException e) {
                log.warn("LINE channel '{}' did not stop cleanly", c.name(), e);
            }
        }
    }

    /**
     * Closes what {@link #stop()} did not (the application failed to start after the channels were
     * built, say), so that no store is left open.
     */
    @Override
    public void destroy() {
        stop();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * Before the web server (which starts last and stops first): the dispatchers run before the first
     * webhook is taken, and stop after the last one was answered.
     */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 4096;
    }
}
