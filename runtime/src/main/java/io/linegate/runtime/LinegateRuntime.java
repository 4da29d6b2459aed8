package io.linegate.runtime;

import com.linecorp.bot.messaging.client.MessagingApiClient;
import io.linegate.messaging.MessageSender;
import io.linegate.messaging.campaign.Campaigns;
import io.linegate.messaging.token.TokenManager;
import io.linegate.store.Cluster;
import io.linegate.store.Store;
import io.linegate.webhook.Bot;
import io.linegate.webhook.BotEnvironment;
import io.linegate.webhook.Dispatcher;
import io.linegate.webhook.NotRetryableException;
import io.linegate.webhook.Outbound;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * linegate's runtime, built in one place from a {@link RuntimeConfig}: the store, the token manager,
 * the sender (with its rate limits and API request log), staged campaigns, the handlers' view of
 * sending ({@link Outbound}) and dispatchers. {@link LinegateServer} hosts a bot on one;
 * {@code linegate serve} and the operator commands ({@code tokens}, {@code campaign run}, {@code
 * events}...) open one from their options, so that every command sees the same store and sends
 * the same way.
 */
public final class LinegateRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LinegateRuntime.class);

    private final RuntimeConfig config;
    private final Store store;
    private final boolean ownsStore;
    private final TokenManager tokens; // null without sending
    private final MessageSender sender; // null without sending
    private final Campaigns campaigns; // null without sending
    private final Outbound outbound;
    private ScheduledExecutorService housekeeping;

    private LinegateRuntime(RuntimeConfig config, Store given) {
        this.config = Objects.requireNonNull(config, "config");
        this.ownsStore = given == null;
        this.store = given != null ? given : Store.open(config.storeLocation(),
                Store.Options.defaults().clock(config.clock()).leaseTime(config.dispatch().leaseTime()));
        try {
            this.tokens = tokenManager(config, store);
            if (config.tokens().sends()) {
                MessageSender.Builder b = tokens != null ? MessageSender.builder(config.apiBase(), tokens)
                        : config.tokens().supplier() != null ? MessageSender.builder(config.apiBase(), config.tokens().supplier())
                        : MessageSender.builder(config.apiBase(), config.tokens().accessToken());
                b.timeouts(config.timeouts().connect(), config.timeouts().read())
                        .requestLog(store.apiRequests(), config.apiLog().bodies())
                        .pushWhenReplyFails(config.pushWhenReplyFails())
                        .rateLimitScale(config.rateLimitScale())
                        .shareRateLimits(config.channelId() == null ? null : store.rateBuckets(), config.channelId())
                        .recordLinkTokens(store.links());
                if (store.cluster().shared()) {
                    Cluster cluster = store.cluster();
                    b.rateLimitShare(cluster::share); // a node's slice of each limit, kept by the heartbeats
                }
                this.sender = b.build();
                this.campaigns = new Campaigns(store.campaigns(), sender, config.clock());
                this.outbound = new SenderOutbound(sender);
            } else {
                this.sender = null;
                this.campaigns = null;
                this.outbound = Outbound.NONE;
            }
        } catch (RuntimeException e) {
            if (ownsStore) {
                store.close();
            }
            throw e;
        }
    }

    /** Opens the store the configuration names and builds the rest on it; closing the runtime closes the store. */
    public static LinegateRuntime open(RuntimeConfig config) {
        return new LinegateRuntime(config, null);
    }

    /**
     * Builds the runtime on a store the caller opened (shared with a site in the same process, say),
     * ignoring the configuration's store location; the caller closes the store.
     */
    public static LinegateRuntime open(RuntimeConfig config, Store store) {
        return new LinegateRuntime(config, Objects.requireNonNull(store, "store"));
    }

    private static TokenManager tokenManager(RuntimeConfig config, Store store) {
        TokenSettings t = config.tokens();
        TokenManager.Builder managed = switch (t.type()) {
            case NONE, FIXED, SUPPLIED -> null;
            case LONG_LIVED -> null;
            case SHORT_LIVED -> TokenManager.shortLived(t.channelId(), t.channelSecret());
            case STATELESS -> TokenManager.stateless(t.channelId(), t.channelSecret());
            case V21 -> TokenManager.v21(t.channelId(), t.channelSecret(), t.assertionKey(), t.lifetime());
        };
        if (t.type() == TokenSettings.Type.LONG_LIVED) {
            return TokenManager.longLived(t.accessToken());
        }
        return managed == null ? null : managed.store(store.tokens()).apiBase(config.apiBase()).clock(config.clock()).build();
    }

    public RuntimeConfig config() {
        return config;
    }

    public Store store() {
        return store;
    }

    /**
     * The directory of the SQLite store this runtime opened (for its disk space); empty for a store
     * elsewhere (PostgreSQL) or one the caller opened.
     */
    public Optional<Path> localStoreDir() {
        String location = config.storeLocation();
        if (!ownsStore || location.contains("://")) {
            return Optional.empty();
        }
        return Optional.of(Path.of(location.startsWith("sqlite:") ? location.substring("sqlite:".length()) : location));
    }

    /** The token manager; empty without sending or with a fixed token. */
    public Optional<TokenManager> tokens() {
        return Optional.ofNullable(tokens);
    }

    /** The sender; empty without sending. */
    public Optional<MessageSender> sender() {
        return Optional.ofNullable(sender);
    }

    /** Staged campaigns; empty without sending. */
    public Optional<Campaigns> campaigns() {
        return Optional.ofNullable(campaigns);
    }

    /**
     * The official client through the sending pipeline, for sends made outside a handler (a job, a
     * web controller); without sending configured, calling it fails with the reason.
     */
    public MessagingApiClient api() {
        if (sender == null) {
            throw new NotRetryableException(Outbound.NO_SENDING);
        }
        return sender.api();
    }

    /** How handlers send ({@link Outbound#NONE} without sending). */
    public Outbound outbound() {
        return outbound;
    }

    /** A dispatcher for {@code bot} on this runtime's store and sending, with the configuration's settings. */
    public Dispatcher.Builder dispatcher(Bot bot, MeterRegistry registry) {
        RuntimeConfig.Dispatch d = config.dispatch();
        return Dispatcher.builder(store, bot.handler())
                .bot(bot)
                .outbound(outbound)
                .clock(config.clock())
                .registry(registry)
                .workers(d.workers())
                .maxAttempts(d.maxAttempts())
                .dedupeWindow(d.dedupeWindow())
                .floodPolicy(d.flood())
                .leases(d.leaseTime(), d.heartbeat());
    }

    /** What a {@link io.linegate.webhook.BotFactory} is given: this runtime's store and sending, and {@code settings}. */
    public BotEnvironment environment(Map<String, String> settings) {
        Map<String, String> copy = Map.copyOf(settings);
        return new BotEnvironment() {
            @Override
            public Store store() {
                return store;
            }

            @Override
            public Map<String, String> settings() {
                return copy;
            }

            @Override
            public MessagingApiClient api() {
                return LinegateRuntime.this.api();
            }
        };
    }

    /**
     * Starts the runtime's background work: pruning the API request log past its retention (hourly),
     * purging expired pending logins, link nonces and link tokens (every minute: anonymous visitors
     * create them), sending due campaign batches (every 5 s) and keeping tokens fresh (every minute).
     */
    public synchronized void startHousekeeping() {
        if (housekeeping != null) {
            return;
        }
        housekeeping = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "linegate-housekeeping");
            t.setDaemon(true);
            return t;
        });
        Duration retention = config.apiLog().retention();
        Clock clock = config.clock();
        housekeeping.scheduleWithFixedDelay(() -> store.apiRequests().pruneApiRequests(clock.instant().minus(retention))
                .whenComplete((n, e) -> {
                    if (e != null) {
                        log.warn("could not prune the API request log", e);
                    }
                }), 0, 1, TimeUnit.HOURS);
        housekeeping.scheduleWithFixedDelay(() -> {
            try {
                Instant now = clock.instant();
                store.links().purgeExpired(now);
                store.pendingLogins().purgeExpired(now);
            } catch (RuntimeException e) {
                log.warn("could not purge expired logins and link nonces; will try again", e);
            }
        }, 0, 1, TimeUnit.MINUTES);
        if (campaigns != null) {
            // Campaigns block while they pace their batches, so they get a thread of their own.
            housekeeping.scheduleWithFixedDelay(() -> {
                try {
                    campaigns.runUntilIdle();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    log.warn("campaign runner failed; will try again", e);
                }
            }, 5, 5, TimeUnit.SECONDS);
        }
        if (tokens != null) {
            housekeeping.scheduleWithFixedDelay(() -> {
                try {
                    tokens.maintain();
                } catch (RuntimeException e) {
                    log.warn("token housekeeping failed; will try again", e);
                }
            }, 1, 1, TimeUnit.MINUTES);
        }
    }

    /** Stops the background work and closes the store if this runtime opened it. */
    @Override
    public synchronized void close() {
        if (housekeeping != null) {
            housekeeping.shutdownNow();
        }
        if (ownsStore) {
            store.close();
        }
    }
}
