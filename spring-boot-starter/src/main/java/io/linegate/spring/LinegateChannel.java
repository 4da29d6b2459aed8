package io.linegate.spring;

import com.linecorp.bot.messaging.client.MessagingApiBlobClient;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import io.linegate.core.WebhookSignature;
import io.linegate.messaging.MessageSender;
import io.linegate.server.LinegateRuntime;
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

    LinegateChannel(ChannelSettings settings, List<Middleware> middleware, MeterRegistry appRegistry,
                    Duration ackDeadline, Duration firstBackoff, Duration maxBackoff, Duration drain,
                    UnaryOperator<Dispatcher.Builder> dispatcherOptions) {
        this.name = settings.name();
        this.path = settings.path();
        this.drain = drain;
        // Each channel's meters carry its name, so that two channels' dispatchers do not share one gauge.
        CompositeMeterRegistry registry = new CompositeMeterRegistry();
        registry.config().commonTags("channel", name);
        registry.add(appRegistry);
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
        this.runtime = LinegateRuntime.open(settings.runtime());
        try {
            this.dispatcher = dispatcherOptions.apply(runtime.dispatcher(bot, registry).backoff(firstBackoff, maxBackoff)).build();
            this.receiver = new WebhookReceiver(WebhookSignature.of(settings.secret()), runtime.store().journal(),
                    dispatcher::appended, settings.runtime().clock()).ackDeadline(ackDeadline, registry);
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
        this.api = ContextualApi.messaging(name, () -> runtime.outbound().api());
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

    /** True once the channel acknowledges webhooks (its dispatcher is running). */
    public boolean ready() {
        return ready;
    }

    WebhookReceiver receiver() {
        return receiver;
    }

    /** Starts handling with {@code handler} (the channel's {@link EventMapping} methods). */
    void start(EventHandler handler) {
        this.handler = handler;
        runtime.startHousekeeping();
        dispatcher.start();
        ready = true;
    }

    /** Stops taking webhooks, lets running handlers finish (up to the drain time), and closes the store. */
    void stop() {
        ready = false;
        try {
            dispatcher.close(drain);
        } finally {
            runtime.close();
        }
    }

    @Override
    public String toString() {
        return "LinegateChannel[" + name + " on " + path + "]";
    }
}
