package io.linegate.test;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.linegate.core.Secret;
import io.linegate.emulator.ChannelInfo;
import io.linegate.emulator.Emulator;
import io.linegate.runtime.LinegateRuntime;
import io.linegate.server.LinegateServer;
import io.linegate.runtime.RuntimeConfig;
import io.linegate.server.ServerTls;
import io.linegate.runtime.TokenSettings;
import io.linegate.store.DeadLetters.DeadLetter;
import io.linegate.store.Store;
import io.linegate.webhook.Bot;
import io.linegate.webhook.BotEnvironment;
import io.linegate.webhook.BotFactory;
import io.linegate.webhook.DispatchListener;
import io.linegate.webhook.FloodPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A bot running against an in-process LINE Platform emulator, for tests: the whole runtime (store,
 * dispatcher, managed stateless tokens, sending, request log) as in production, on loopback, in a
 * temporary directory.
 *
 * <pre>{@code
 * try (BotTester line = BotTester.start(new EchoBot())) {
 *     TestUser alice = line.friend("Alice");
 *     alice.says("hello").awaitOutcome();
 *     assertThat(alice.receivedTexts()).containsExactly("Thanks for adding me! ...", "hello");
 * }
 * }</pre>
 *
 * Handlers are retried quickly (10 ms, doubling up to 200 ms) so that retries show within a test.
 * See {@link LinegateExtension} for JUnit 5.
 */
public final class BotTester implements AutoCloseable {
    private final Emulator emulator;
    private final LinegateRuntime runtime;
    private final LinegateServer server;
    private final ControlClient control;
    private final ChannelInfo channel;
    private final Path dataDir;
    private final boolean temporaryDir;
    private final Duration timeout;
    private final Map<String, Fate> fates = new ConcurrentHashMap<>();

    /** What the dispatcher told about one event. Guarded by itself. */
    private static final class Fate {
        EventOutcome.Status status = EventOutcome.Status.PENDING;
        String outcome;
        int attempts;
        final List<String> failures = new ArrayList<>();
        String deadLetterError;
    }

    private BotTester(Builder b) {
        this.timeout = b.timeout;
        try {
            this.temporaryDir = b.dataDir == null;
            this.dataDir = b.dataDir != null ? b.dataDir : Files.createTempDirectory("linegate-test");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary data directory", e);
        }
        Emulator.Builder eb = Emulator.builder().port(0);
        this.emulator = b.emulatorOptions.apply(eb).start();
        LinegateRuntime rt = null;
        LinegateServer srv = null;
        Bot bot = null;
        try {
            this.channel = emulator.defaultChannel();
            this.control = new ControlClient(emulator.baseUrl());
            RuntimeConfig config = b.runtimeOptions.apply(RuntimeConfig.builder()
                    .dataDir(dataDir)
                    .apiBase(URI.create(emulator.baseUrl()))
                    .tokens(TokenSettings.stateless(channel.channelId(), Secret.of(channel.channelSecret(), "channel secret")))
                    .channelId(channel.channelId())
                    .dispatch(new RuntimeConfig.Dispatch(b.workers, b.maxAttempts, Duration.ofHours(24),
                            FloodPolicy.defaults(), Duration.ofSeconds(10))))
                    .build();
            rt = LinegateRuntime.open(config);
            bot = Objects.requireNonNull(b.bot.apply(rt.environment(b.settings)), "the bot");
            DispatchListener listener = listener();
            srv = b.serverOptions.apply(LinegateServer.builder(bot, Secret.of(channel.channelSecret(), "channel secret"))
                            .runtime(rt)
                            .host("127.0.0.1").port(0).tls(ServerTls.insecureHttp())
                            .dispatcher(d -> d.backoff(b.firstBackoff, b.maxBackoff).listener(listener)))
                    .build().start();
            ObjectNode settings = ControlClient.object()
                    .put("webhookUrl", srv.baseUri().resolve("/webhook").toString())
                    .put("webhookActive", true).put("greeting", false).put("autoReply", false);
            control.put("/channels/" + channel.channelId() + "/settings", settings);
        } catch (RuntimeException e) {
            if (srv != null) {
                srv.close();
            } else if (bot != null) {
                bot.close();
            }
            if (rt != null) {
                rt.close();
            }
            emulator.close();
            throw e;
        }
        this.runtime = rt;
        this.server = srv;
    }

    /** The bot against a fresh emulator, with the defaults. */
    public static BotTester start(Bot bot) {
        return builder(bot).start();
    }

    public static Builder builder(Bot bot) {
        Objects.requireNonNull(bot, "bot");
        return new Builder(env -> bot);
    }

    /** A bot its factory builds, given the runtime's store and {@code settings}, as {@code linegate serve} would. */
    public static Builder builder(BotFactory factory, Map<String, String> settings) {
        Objects.requireNonNull(factory, "factory");
        Builder b = new Builder(env -> {
            try {
                return factory.create(env);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("the bot factory " + factory.name() + " failed: " + e.getMessage(), e);
            }
        });
        b.settings = Map.copyOf(settings);
        return b;
    }

    private DispatchListener listener() {
        return new DispatchListener() {
            @Override
            public void done(String eventId, String outcome, int attempts) {
                update(eventId, f -> {
                    f.status = EventOutcome.Status.DONE;
                    f.outcome = outcome;
                    f.attempts = attempts;
                });
            }

            @Override
            public void failed(String eventId, int attempt, Throwable error, boolean retrying) {
                update(eventId, f -> {
                    f.failures.add(error.getClass().getName() + ": " + error.getMessage());
                    f.attempts = attempt;
                    f.status = retrying ? EventOutcome.Status.RETRYING : EventOutcome.Status.DEAD_LETTERED;
                });
            }
        };
    }

    private void update(String eventId, Consumer<Fate> change) {
        Fate f = fates.computeIfAbsent(eventId, k -> new Fate());
        synchronized (f) {
            change.accept(f);
            f.notifyAll();
        }
    }

    /** A new user of LINE, not yet a friend of the bot. */
    public TestUser user(String displayName) {
        String id = control.post("/users", ControlClient.object().put("displayName", displayName)).path("userId").asText();
        return new TestUser(this, id, displayName);
    }

    /** A new user who has added the bot as a friend, once the follow event is through the bot. */
    public TestUser friend(String displayName) {
        TestUser user = user(displayName);
        user.follow().awaitOutcome();
        return user;
    }

    /**
     * A group with these members, which the bot joins (its {@code join} event is sent, not awaited).
     */
    public TestGroup group(String name, TestUser... members) {
        ObjectNode body = ControlClient.object().put("name", name);
        var list = body.putArray("members");
        for (TestUser m : members) {
            list.add(m.userId());
        }
        return new TestGroup(this, control.post("/groups", body).path("groupId").asText());
    }

    /**
     * Sends any event, as LINE would (a type the SDK does not know yet, say): {@code eventJson} is one
     * event object; the emulator fills in the id, timestamp, mode and reply token it lacks.
     */
    public SentEvent event(String eventJson) {
        ObjectNode body = ControlClient.object();
        try {
            body.putArray("events").add(io.linegate.core.Json.mapper().readTree(eventJson));
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON event: " + e.getMessage(), e);
        }
        String id = control.post("/events", body).path("events").path(0).path("webhookEventId").asText();
        return new SentEvent(this, id, null);
    }

    /** What has become of the event so far. */
    public EventOutcome outcome(String eventId) {
        Fate f = fates.computeIfAbsent(eventId, k -> new Fate());
        synchronized (f) {
            return snapshot(eventId, f);
        }
    }

    /**
     * Waits until the event is done or dead-lettered (the done-mark or dead letter is durable, and
     * every message the handler sent has reached the emulator); fails the test after the timeout.
     */
    public EventOutcome awaitOutcome(String eventId) {
        Fate f = fates.computeIfAbsent(eventId, k -> new Fate());
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (f) {
            while (!f.status.finished()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("event " + eventId + " is still " + f.status + " after " + timeout
                            + (f.failures.isEmpty() ? "" : "; failures: " + f.failures));
                }
                try {
                    f.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for event " + eventId, e);
                }
            }
            return snapshot(eventId, f);
        }
    }

    private EventOutcome snapshot(String eventId, Fate f) {
        String error = null;
        if (f.status == EventOutcome.Status.DEAD_LETTERED) {
            error = store().deadLetters().list(1000).stream().filter(d -> d.eventId().equals(eventId))
                    .map(DeadLetter::error).findFirst().orElse(null);
        }
        return new EventOutcome(f.status, f.outcome, f.attempts, f.failures, error);
    }

    Duration timeout() {
        return timeout;
    }

    ControlClient control() {
        return control;
    }

    public Emulator emulator() {
        return emulator;
    }

    /** The emulator's channel the bot runs as (its secret and token are the emulator's, for tests). */
    public ChannelInfo channel() {
        return channel;
    }

    public LinegateServer server() {
        return server;
    }

    /** The bot's store: conversation state, dead letters, the API request log... */
    public Store store() {
        return runtime.store();
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            runtime.close();
            emulator.close();
            if (temporaryDir) {
                try (Stream<Path> paths = Files.walk(dataDir)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException e) {
                    // a temporary directory left behind is harmless
                }
            }
        }
    }

    /** Options; the defaults suit most tests. */
    public static final class Builder {
        private final Function<BotEnvironment, Bot> bot;
        private Map<String, String> settings = Map.of();
        private int maxAttempts = 5;
        private int workers = 8;
        private Duration firstBackoff = Duration.ofMillis(10);
        private Duration maxBackoff = Duration.ofMillis(200);
        private Duration timeout = Duration.ofSeconds(10);
        private Path dataDir;
        private UnaryOperator<Emulator.Builder> emulatorOptions = UnaryOperator.identity();
        private UnaryOperator<LinegateServer.Builder> serverOptions = UnaryOperator.identity();
        private UnaryOperator<RuntimeConfig.Builder> runtimeOptions = UnaryOperator.identity();

        private Builder(Function<BotEnvironment, Bot> bot) {
            this.bot = bot;
        }

        /** Attempts before an event is dead-lettered (5). */
        public Builder maxAttempts(int n) { this.maxAttempts = n; return this; }

        /** How long a retry waits: from {@code first}, doubling up to {@code max} (10 ms to 200 ms). */
        public Builder backoff(Duration first, Duration max) { this.firstBackoff = first; this.maxBackoff = max; return this; }

        /** Handler threads (8). */
        public Builder workers(int n) { this.workers = n; return this; }

        /** How long the {@code await} methods wait before they fail the test (10 s). */
        public Builder timeout(Duration d) { this.timeout = d; return this; }

        /** Keeps the store in {@code dir} instead of a temporary directory deleted at close. */
        public Builder dataDir(Path dir) { this.dataDir = dir; return this; }

        /** Tunes the emulator (rate limits, schema validation, clock...). */
        public Builder emulator(UnaryOperator<Emulator.Builder> options) { this.emulatorOptions = options; return this; }

        /** Tunes the server (middleware with {@code use}, admin token...). */
        public Builder server(UnaryOperator<LinegateServer.Builder> options) { this.serverOptions = options; return this; }

        /**
         * Tunes the runtime (push when a reply fails, flood policy through {@code dispatch}, API log bodies...);
         * the store, the emulator as API base and its channel's stateless tokens are set by the kit.
         */
        public Builder runtime(UnaryOperator<RuntimeConfig.Builder> options) { this.runtimeOptions = options; return this; }

        public BotTester start() {
            return new BotTester(this);
        }
    }
}
