package io.linegate.server;

import static io.linegate.webhook.Webhooks.body;
import static io.linegate.webhook.Webhooks.text;
import static io.linegate.webhook.Webhooks.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linegate.core.Secret;
import io.linegate.core.Ulid;
import io.linegate.core.WebhookSignature;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL server goes away under a running node: webhooks get 503 at once (LINE redelivers
 * them where redelivery is on) rather than a 200 for something not stored, and when the database
 * comes back the node acknowledges and handles again by itself, without a restart.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PostgresOutageTest {
    static final Secret SECRET = Secret.of("0a7a6e0a7a6e0a7a6e0a7a6e0a7a6e01", "LINE_CHANNEL_SECRET");

    @TempDir
    Path dir;

    EmbeddedPostgres pg;
    LinegateServer server;
    final HttpClient http = HttpClient.newHttpClient();
    final RecordingBot bot = new RecordingBot();

    EmbeddedPostgres startPostgres(int port) throws Exception {
        return EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pgdata")).setCleanDataDirectory(false)
                .setPort(port).setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on").start();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    int send(String eventId) throws Exception {
        byte[] body = body(text(user(1), eventId, "hello", false));
        return http.send(HttpRequest.newBuilder(server.baseUri().resolve("/webhook")).timeout(Duration.ofSeconds(10))
                        .header("x-line-signature", WebhookSignature.sign(SECRET, body))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    boolean handled(String eventId) {
        return bot.handled.stream().anyMatch(c -> c.rawJson().contains(eventId));
    }

    @Test
    void webhooksGet503DuringAnOutageAndTheNodeRecoversByItself() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        pg = startPostgres(port);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE linegate");
        }
        server = LinegateServer.builder(bot, SECRET).host("127.0.0.1").port(0).tls(ServerTls.insecureHttp())
                .storeLocation("postgresql://127.0.0.1:" + port + "/linegate?user=postgres")
                .dispatcher(d -> d.leases(Duration.ofSeconds(3), Duration.ofMillis(500)))
                .build().start();

        String before = Ulid.next();
        assertThat(send(before)).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> handled(before));

        pg.close(); // the database goes away
        pg = null;
        long t0 = System.nanoTime();
        String during = Ulid.next();
        assertThat(send(during)).isEqualTo(503);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("time to refuse").isLessThan(Duration.ofSeconds(2));

        pg = startPostgres(port); // it comes back, with its data
        String after = Ulid.next();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> send(after) == 200);
        await().atMost(Duration.ofSeconds(30)).until(() -> handled(after));
        assertThat(handled(during)).as("refused during the outage, so not handled").isFalse();
        assertThat(bot.handled).filteredOn(c -> c.rawJson().contains(before)).hasSize(1);
    }
}
