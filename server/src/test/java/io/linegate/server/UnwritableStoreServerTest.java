package io.linegate.server;

import static io.linegate.webhook.Webhooks.body;
import static io.linegate.webhook.Webhooks.text;
import static io.linegate.webhook.Webhooks.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.linegate.core.Secret;
import io.linegate.core.Ulid;
import io.linegate.core.WebhookSignature;
import io.linegate.store.Store;
import io.linegate.store.ImmutableFiles;
import io.linegate.webhook.Bot;
import io.linegate.webhook.EventHandler;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that cannot write for another reason than a full disk (its files refusing writes, which SQLite
 * reports as an I/O error; a PostgreSQL database turned read-only) makes the server not ready and webhooks
 * 503, in one line naming the cause and without a stack trace; once it can write again it is ready again
 * by itself, and every webhook it acknowledged is handled once.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class UnwritableStoreServerTest {
    static final Secret SECRET = Secret.of("0a7a6e0a7a6e0a7a6e0a7a6e0a7a6e01", "LINE_CHANNEL_SECRET");

    @TempDir
    Path dir;
    LinegateServer server;
    final HttpClient http = HttpClient.newHttpClient();
    final CountDownLatch handlersMayRun = new CountDownLatch(1);
    final List<String> handled = new CopyOnWriteArrayList<>();
    /** Its handlers wait until the test lets them run, so that the events stay in the store meanwhile. */
    final Bot bot = new Bot() {
        @Override
        public String name() {
            return "held";
        }

        @Override
        public EventHandler handler() {
            return ctx -> {
                handlersMayRun.await();
                handled.add(ctx.rawJson());
            };
        }
    };
    int sent;

    @AfterEach
    void stop() {
        handlersMayRun.countDown();
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Test
    void anEmbeddedStoreWhoseFilesRefuseWritesIsNotReadyUntilTheyTakeWritesAgain() throws Exception {
        Store store = Store.open("sqlite:" + dir);
        try {
            start(store);
            List<String> acknowledged = acknowledge(10);
            // The database file and its write-ahead log; not the shared-memory index, which SQLite writes through a
            // mapping, where a refused write would be a SIGBUS rather than an error.
            try (ImmutableFiles files = ImmutableFiles.of(List.of(dir.resolve("linegate.db"), dir.resolve("linegate.db-wal")));
                 CapturedLogs logs = CapturedLogs.capture()) {
                files.refuseWrites();
                assertNotReadyAndRefusing(acknowledged);
                files.allowWrites();
                assertReadyAgainAndNothingLost(acknowledged);
                assertOneLineEachWay(logs, "an I/O error (SQLITE_IOERR_WRITE)");
            }
        } finally {
            stop();
            store.close();
        }
    }

    @Test
    void aPostgresDatabaseWhoseFilesRefuseWritesIsNotReadyUntilTheyTakeWritesAgain() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on").start();
             Connection admin = DriverManager.getConnection(
                     "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres", "postgres", "");
             Statement st = admin.createStatement()) {
            st.execute("CREATE DATABASE linegate");
            String location = "postgresql://127.0.0.1:" + pg.getPort() + "/linegate?user=postgres";
            Store store = Store.open(location);
            try {
                start(store);
                List<String> acknowledged = acknowledge(10);
                // Every file of linegate's tables and indexes: a relation that needs a new page cannot extend its file,
                // as on a file system remounted read-only (EROFS, which PostgreSQL reports in the same words).
                try (ImmutableFiles files = ImmutableFiles.of(relationFiles(pg.getPort()));
                     CapturedLogs logs = CapturedLogs.capture()) {
                    files.refuseWrites();
                    assertNotReadyAndRefusing(acknowledged);
                    files.allowWrites();
                    assertReadyAgainAndNothingLost(acknowledged);
                    assertOneLineEachWay(logs, "the database server was refused a write (insufficient_privilege)");
                    assertThat(logs.of("linegate.store").get(0).getFormattedMessage())
                            .containsPattern("could not (extend|open|write to) file").contains("Operation not permitted");
                }
            } finally {
                stop();
                store.close();
            }
        }
    }

    /** The files of the linegate database's own tables and indexes, every fork and segment. */
    static List<Path> relationFiles(int port) throws Exception {
        List<Path> files = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/linegate", "postgres", "");
             Statement st = c.createStatement()) {
            Path dataDir;
            try (ResultSet rs = st.executeQuery("SHOW data_directory")) {
                rs.next();
                dataDir = Path.of(rs.getString(1));
            }
            try (ResultSet rs = st.executeQuery("SELECT pg_relation_filepath(c.oid) FROM pg_class c"
                    + " WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'i', 't')")) {
                while (rs.next()) {
                    Path main = dataDir.resolve(rs.getString(1));
                    String node = main.getFileName().toString();
                    try (Stream<Path> siblings = Files.list(main.getParent())) {
                        siblings.filter(f -> {
                            String name = f.getFileName().toString();
                            return name.equals(node) || name.startsWith(node + "_") || name.startsWith(node + ".");
                        }).forEach(files::add);
                    }
                }
            }
        }
        return files;
    }

    @Test
    void aPostgresDatabaseTurnedReadOnlyIsNotReadyUntilItTakesWritesAgain() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on").start();
             Connection admin = DriverManager.getConnection(
                     "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres", "postgres", "");
             Statement st = admin.createStatement()) {
            st.execute("CREATE DATABASE linegate");
            Store store = Store.open("postgresql://127.0.0.1:" + pg.getPort() + "/linegate?user=postgres");
            try {
                start(store);
                List<String> acknowledged = acknowledge(10);
                try (CapturedLogs logs = CapturedLogs.capture()) {
                    // As an operator or a failover makes a database read-only: in the server's configuration, taken up
                    // by the sessions already open (the store's pooled ones) at their next transaction.
                    st.execute("ALTER SYSTEM SET default_transaction_read_only = on");
                    st.execute("SELECT pg_reload_conf()");
                    assertNotReadyAndRefusing(acknowledged);
                    st.execute("ALTER SYSTEM RESET default_transaction_read_only");
                    st.execute("SELECT pg_reload_conf()");
                    assertReadyAgainAndNothingLost(acknowledged);
                    assertOneLineEachWay(logs, "the database is read-only (read_only_sql_transaction)");
                    // PostgreSQL's own words, for whichever write met the read-only state first: a webhook's INSERT,
                    // or the DELETE of the done-marks of the events acknowledged just before (they race).
                    assertThat(logs.of("linegate.store").get(0).getFormattedMessage())
                            .containsPattern("cannot execute (INSERT|DELETE) in a read-only transaction");
                }
            } finally {
                stop();
                store.close();
            }
        }
    }

    void start(Store store) {
        server = LinegateServer.builder(bot, SECRET).host("127.0.0.1").port(0).tls(ServerTls.insecureHttp())
                .store(store).adminPort(0).build().start();
    }

    List<String> acknowledge(int n) throws Exception {
        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = Ulid.next();
            assertThat(send(id).statusCode()).isEqualTo(200);
            acknowledged.add(id);
        }
        return acknowledged;
    }

    /** The next webhooks are refused (any acknowledged before the store noticed join {@code acknowledged}). */
    void assertNotReadyAndRefusing(List<String> acknowledged) throws Exception {
        int refused = 0;
        for (int i = 0; i < 100 && refused == 0; i++) {
            String id = Ulid.next();
            int status = send(id).statusCode();
            if (status == 200) {
                acknowledged.add(id); // a server's session may take the new setting a moment later
                Thread.sleep(20);
            } else {
                assertThat(status).isEqualTo(503);
                refused++;
            }
        }
        assertThat(refused).as("a webhook refused once the store could not write").isEqualTo(1);
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
                .until(() -> get(server.baseUri().resolve("/health")) == 503);
        assertThat(get(URI.create(server.adminUri() + "/health"))).isEqualTo(503);
        assertThat(get(server.baseUri().resolve("/health/live"))).isEqualTo(200);
        assertThat(metrics()).contains("linegate_store_writable 0.0");
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = send(Ulid.next());
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).contains("cannot store webhooks now");
        }
        // Still not ready a few probes later: the probe writes too.
        Thread.sleep(2_500);
        assertThat(get(server.baseUri().resolve("/health"))).isEqualTo(503);
    }

    void assertReadyAgainAndNothingLost(List<String> acknowledged) throws Exception {
        handlersMayRun.countDown();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> get(server.baseUri().resolve("/health")) == 200);
        assertThat(metrics()).contains("linegate_store_writable 1.0");
        acknowledged.addAll(acknowledge(10));
        await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.stream().allMatch(id -> handled(id) == 1));
    }

    static void assertOneLineEachWay(CapturedLogs logs, String cause) {
        List<ILoggingEvent> storeLines = logs.of("linegate.store");
        assertThat(storeLines).as("one line when it stopped, one when it could write again")
                .extracting(ILoggingEvent::getLevel).containsExactly(Level.ERROR, Level.WARN);
        assertThat(storeLines.get(0).getFormattedMessage()).contains(cause).doesNotContain("INSERT INTO");
        assertThat(logs.events.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .filter(e -> !e.getLoggerName().equals("linegate.store"))
                .collect(Collectors.groupingBy(ILoggingEvent::getLoggerName, Collectors.counting())))
                .as("no other warning repeated while the store could not write").allSatisfy((logger, n) -> assertThat(n).isOne());
        assertThat(logs.events).as("no stack trace, no 'could not journal'")
                .allMatch(e -> e.getThrowableProxy() == null, "has no stack trace")
                .noneMatch(e -> e.getFormattedMessage().contains("could not journal"));
    }

    HttpResponse<String> send(String eventId) throws Exception {
        // Many users, as the flood limit (120 events a minute from one source) would hold one back.
        byte[] body = body(text(user(++sent), eventId, "hello", false));
        return http.send(HttpRequest.newBuilder(server.baseUri().resolve("/webhook")).timeout(Duration.ofSeconds(20))
                        .header("x-line-signature", WebhookSignature.sign(SECRET, body))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    int get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    String metrics() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.adminUri() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    long handled(String eventId) {
        return handled.stream().filter(json -> json.contains(eventId)).count();
    }
}
