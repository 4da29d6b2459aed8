package io.linegate.spring;

import com.linecorp.bot.messaging.client.MessagingApiBlobClient;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import io.linegate.core.Secret;
import io.linegate.core.WebhookSignature;
import io.linegate.runtime.WarmUp;
import io.linegate.messaging.MessageSender;
import io.linegate.runtime.LinegateRuntime;
import io.linegate.store.Store;
import io.linegate.webhook.Bot;
import io.linegate.webhook.Dispatcher;
import io.linegate.webhook.EventHandler;
import io.linegate.webhook.Middleware;
import io.linegate.webhook.WebhookReceiver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * One LINE channel inside the application: its webhook path, its runtime (store, managed tokens,
 * sender), its dispatcher running the {@link EventMapping} methods, and its API clients. Get it from
 * {@link LinegateChannels}.
 */
public final class LinegateChannel {
    private final String name;
    private final String path;
    private final LinegateRuntime runtime;
    private final Dispatcher dispatcher;
    private final WebhookReceiver receiver;
    private final Bot bot;
    private final MessagingApiClient api;
    private final MessagingApiBlobClient blob;
    private final Duration drain;
    private volatile EventHandler handler; // the @EventMapping methods, found once every bean exists
    private volatile boolean ready;
    private boolean stopped; // guarded by this
    private volatile Secret warmUpToken; // while warming up: webhooks carrying it go to warmUpReceiver
    private volatile WebhookReceiver warmUpReceiver;
    private volatile WarmUp.Result lastWarmUp;

    private final MeterRegistry meters; // the application's, with this channel's tag
    private final Store ownedStore; // opened here on the application's DataSource; null: the runtime's own

    LinegateChannel(ChannelSettings settings, java.util.function.Supplier<javax.sql.DataSource> dataSource,
                    List<Middleware> middleware, MeterRegistry appRegistry,
                    Duration ackDeadline, Duration firstBackoff, Duration maxBackoff, Duration drain,
                    UnaryOperator<Dispatcher.Builder> dispatcherOptions) {
        this.name = settings.name();
        this.path = settings.path();
        this.drain = drain;
        // Each channel's meters carry its name, so that two channels' dispatchers do not share one gauge.
        CompositeMeterRegistry registry = new CompositeMeterRegistry();
        registry.config().commonTags("channel", name);
        registry.add(appRegistry);
        this.meters = registry;
        this.bot = new Bot() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public EventHandler handler() {
                return ctx -> handler.handle(ctx);
            }

            @Override
            public List<Middleware> middleware() {
                return middleware;
            }
        };
        if (settings.runtime().storeLocation().equals(ChannelSettings.DATASOURCE)) {
            this.ownedStore = Store.open(dataSource.get(), Store.Options.defaults().clock(settings.runtime().clock()));
            this.runtime = LinegateRuntime.open(settings.runtime(), ownedStore);
        } else {
            this.ownedStore = null;
            this.runtime = LinegateRuntime.open(settings.runtime());
        }
        try {
            this.dispatcher = dispatcherOptions.apply(runtime.dispatcher(bot, registry).backoff(firstBackoff, maxBackoff)).build();
            // Without a secret (line.bot.handler.enabled=false) there are no webhooks to receive.
            this.receiver = settings.secret() == null ? null : new WebhookReceiver(WebhookSignature.of(settings.secret()),
                    runtime.store().journal(), dispatcher::appended, settings.runtime().clock()).ackDeadline(ackDeadline, registry);
        } catch (RuntimeException e) {
            runtime.close();
            if (ownedStore != null) {
                ownedStore.close();
            }
            throw e;
        }
        this.api = ContextualApi.messaging(name, runtime::api);
        this.blob = ContextualApi.blob(name, () -> runtime.outbound().blob());
    }

    /** {@code default} for {@code line.bot.*}, otherwise the name under {@code linegate.channels}. */
    public String name() {
        return name;
    }

    /** The webhook path, such as {@code /callback}. */
    public String path() {
        return path;
    }

    /**
     * The Messaging API through linegate's sending stack; inside an {@link EventMapping} method of this
     * channel, the handled event's client, whose sends are not repeated when the method is retried.
     */
    public MessagingApiClient api() {
        return api;
    }

    /** Content of users' images, videos, audio and files, through the same stack. */
    public MessagingApiBlobClient blob() {
        return blob;
    }

    /** linegate's sender (retry keys, rate limits, API request log); empty without sending. */
    public Optional<MessageSender> sender() {
        return runtime.sender();
    }

    public Store store() {
        return runtime.store();
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    public LinegateRuntime runtime() {
        return runtime;
    }

    /** True once the channel acknowledges webhooks (its dispatcher runs, and its warm-up is over). */
    public boolean ready() {
        return ready;
    }

    /**
     * The receiver for a webhook that came with {@code warmUpHeader} (the value of {@link WarmUp#HEADER},
     * or null): the channel's own once it is ready, the warm-up's scratch receiver for the warm-up's own
     * webhooks, otherwise null (the channel is starting).
     */
    WebhookReceiver receiver(String warmUpHeader) {
        if (ready) {
            return receiver;
        }
        Secret token = warmUpToken;
        WebhookReceiver scratch = warmUpReceiver;
        return token != null && scratch != null && warmUpHeader != null && token.matches(warmUpHeader) ? scratch : null;
    }

    /** Whether a request with {@code warmUpHeader} is one of this channel's warm-up webhooks (while it warms up). */
    boolean warmingUpWith(String warmUpHeader) {
        Secret token = warmUpToken;
        return token != null && warmUpHeader != null && token.matches(warmUpHeader);
    }

    /** The application's meter registry, with this channel's {@code channel} tag. */
    MeterRegistry meters() {
        return meters;
    }

    /** Whether {@code receiver} is the warm-up's scratch receiver (its requests are nobody's). */
    boolean isWarmUp(WebhookReceiver receiver) {
        return receiver != this.receiver;
    }

    /** What the warm-up did; null without one. */
    WarmUp.Result lastWarmUp() {
        return lastWarmUp;
    }

    /**
     * Starts handling with {@code handler} (the channel's {@link EventMapping} methods); ready at once
     * unless it warms up first. A null handler: webhook handling is off, only the runtime's housekeeping runs.
     */
    void start(EventHandler handler, boolean warmsUp) {
        runtime.startHousekeeping();
        if (handler == null) { // line.bot.handler.enabled=false: the clients only (tokens kept fresh)
            ready = true;
            return;
        }
        this.handler = handler;
        dispatcher.start();
        ready = !warmsUp;
    }

    /**
     * Warms the acknowledgement path through the application's own web server at {@code base}, then
     * takes webhooks; until then they are answered 503 (LINE redelivers where redelivery is on).
     */
    void warmUp(Duration maximum, java.net.URI base) {
        if (maximum.isZero() || base == null) {
            ready = true;
            return;
        }
        try {
            lastWarmUp = WarmUp.run(maximum, base, path, (token, scratch) -> {
                warmUpReceiver = scratch;
                warmUpToken = token;
            });
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(LinegateChannel.class)
                    .warn("the warm-up of LINE channel '{}' failed; taking webhooks without it", name, e);
        } finally {
            ready = true;
        }
    }

    /** Stops taking webhooks, lets running handlers finish (up to the drain time), and closes the store. */
    synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        ready = false;
        try {
            dispatcher.close(drain);
        } finally {
            runtime.close();
            if (ownedStore != null) {
                ownedStore.close();
            }
        }
    }

    @Override
    public String toString() {
        return "LinegateChannel[" + name + " on " + path + "]";
    }
}
