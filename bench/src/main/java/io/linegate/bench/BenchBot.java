package io.linegate.bench;

import com.linecorp.bot.messaging.model.TextMessage;
import io.linegate.core.Secret;
import io.linegate.journal.kafka.KafkaJournal;
import io.linegate.journal.kafka.KafkaLocation;
import io.linegate.server.LinegateServer;
import io.linegate.server.ServerTls;
import io.linegate.store.Store;
import io.linegate.webhook.Bot;
import io.linegate.webhook.EventHandler;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The linegate side: {@link LinegateServer} with a handler that sleeps {@code --handler-ms} (0 or
 * 50), with {@code --push=true} pushes one text to the event's user through linegate's sending stack (the
 * emulator at {@code --api-base}, its token in {@code --access-token-file}), and then counts the event by
 * webhookEventId. Plain HTTP on 127.0.0.1 (loopback benchmark). With {@code --journal=kafka://HOST:PORT/PREFIX} the
 * events are journaled on Kafka beside the store, as {@code linegate serve --journal} does.
 */
final class BenchBot {
    private BenchBot() {
    }

    static void run(Args a) throws Exception {
        int port = a.integer("port", 18080);
        int statsPort = a.integer("stats-port", 18090);
        // --store=postgresql://... (several nodes may share it) or the embedded store in --data-dir.
        String store = a.str("store", "");
        String location = !store.isEmpty() ? store : "sqlite:" + Path.of(a.str("data-dir", null));
        Duration lease = Duration.parse(a.str("lease-time", "PT10S"));
        int adminPort = a.integer("admin-port", 18092);
        // With an admin token: the admin API and the operator console on the admin listener (the console scenario).
        String adminToken = a.str("admin-token", "");
        long handlerMs = a.lng("handler-ms", 0);
        int workers = a.integer("workers", 32);
        // As 'linegate serve --warm-up': off unless asked, so that the other scenarios measure what they did.
        Duration warmUp = Duration.parse(a.str("warm-up", "PT0S"));
        // As 'linegate serve --journal kafka://...': the events on Kafka, everything else in the store.
        String journal = a.str("journal", "");
        String kafkaProperties = a.str("kafka-properties", ""); // as serve's --kafka-properties: the Kafka clients' settings

        boolean push = a.bool("push", false);
        String apiBase = a.str("api-base", "");
        String tokenFile = a.str("access-token-file", "");
        if (push && (apiBase.isEmpty() || tokenFile.isEmpty())) {
            throw new IllegalArgumentException("--push=true needs --api-base (the emulator) and --access-token-file");
        }
        if (push && !"127.0.0.1".equals(URI.create(apiBase).getHost())) {
            throw new IllegalArgumentException("--api-base must be on 127.0.0.1 (loopback benchmark), got " + apiBase);
        }

        EventCounter counter = new EventCounter();
        EventHandler handler = ctx -> {
            if (handlerMs > 0) {
                Thread.sleep(handlerMs);
            }
            if (push) {
                ctx.push(new TextMessage("handled"));
            }
            counter.record(ctx.event().webhookEventId());
        };
        Bot bot = new Bot() {
            @Override
            public String name() {
                return "bench";
            }

            @Override
            public EventHandler handler() {
                return handler;
            }
        };
        LinegateServer.Builder builder = LinegateServer.builder(bot, Secret.of(Args.secret(), "BENCH_CHANNEL_SECRET"));
        if (push) {
            builder.apiBase(URI.create(apiBase))
                    .accessToken(Secret.of(Files.readString(Path.of(tokenFile), StandardCharsets.UTF_8).trim(), "--access-token-file"));
        }
        if (!adminToken.isEmpty()) {
            builder.adminToken(Secret.of(adminToken, "--admin-token"));
        }
        Store database = null;
        if (!journal.isEmpty()) {
            database = Store.open(location, Store.Options.defaults().leaseTime(lease));
            KafkaJournal.Builder kafka = KafkaJournal.builder(KafkaLocation.parse(journal), database);
            if (!kafkaProperties.isEmpty()) {
                kafka.properties(Path.of(kafkaProperties));
            }
            builder.store(kafka.start().store());
        }
        Store opened = database;
        LinegateServer server = builder
                .host("127.0.0.1")
                .port(port)
                .adminPort(adminPort) // /metrics
                .tls(ServerTls.insecureHttp())
                .storeLocation(location)
                .warmUp(warmUp)
                .dispatcher(d -> d.workers(workers).leases(lease, lease.dividedBy(10).compareTo(Duration.ofSeconds(1)) < 0
                        ? lease.dividedBy(10) : Duration.ofSeconds(1)))
                .build()
                .start();
        var stats = counter.serve(statsPort);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stats.stop(0);
            server.close();
            if (opened != null) { // the Kafka journal's store first (it leaves the group), then the database
                server.store().close();
                opened.close();
            }
            stopped.countDown();
        }, "bench-shutdown"));
        System.out.printf("bench bot ready on 127.0.0.1:%d (stats %d, metrics %d, handler %d ms, %d workers, store %s)%n",
                server.port(), statsPort, server.adminPort(), handlerMs, workers, server.store().location());
        stopped.await();
    }
}
