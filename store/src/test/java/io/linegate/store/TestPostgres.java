package io.linegate.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server for tests: the one named by {@code LINEGATE_TEST_POSTGRES_URL}
 * ({@code postgresql://user:password@host:port/postgres}, a superuser or a role that may create
 * databases), or else a throwaway server started once per test JVM (zonky's embedded PostgreSQL),
 * with durable commits ({@code fsync} and {@code synchronous_commit} on, as in production).
 * Each call of {@link #newDatabase()} creates an empty database.
 */
public final class TestPostgres {
    public static final String URL_VARIABLE = "LINEGATE_TEST_POSTGRES_URL";
    private static final AtomicInteger databases = new AtomicInteger();
    private static volatile TestPostgres instance;

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final EmbeddedPostgres embedded; // null for an external server

    private TestPostgres(String host, int port, String user, String password, EmbeddedPostgres embedded) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.embedded = embedded;
    }

    /** The server, started on first use. */
    public static TestPostgres server() {
        if (instance == null) {
            synchronized (TestPostgres.class) {
                if (instance == null) {
                    instance = start();
                }
            }
        }
        return instance;
    }

    private static TestPostgres start() {
        String external = System.getenv(URL_VARIABLE);
        if (external != null && !external.isBlank()) {
            URI uri = URI.create(external.replaceFirst("^jdbc:", ""));
            String[] info = uri.getUserInfo() == null ? new String[] {"postgres", ""} : uri.getUserInfo().split(":", 2);
            return new TestPostgres(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), info[0],
                    info.length > 1 ? info[1] : "", null);
        }
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("max_connections", "300")
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
            return new TestPostgres("127.0.0.1", pg.getPort(), "postgres", "", pg);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL server", e);
        }
    }

    public int port() {
        return port;
    }

    /** Creates an empty database and returns its store location (with the user, without a password). */
    public String newDatabase() {
        String name = "linegate_test_" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", user, password);
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create a test database on " + host + ":" + port, e);
        }
        return location(name);
    }

    /** The store location of database {@code name} on this server. */
    public String location(String name) {
        return "postgresql://" + host + ":" + port + "/" + name + "?user=" + user;
    }

    /** The password the locations need, if any (pass it as {@link Store.Options#password()}). */
    public String password() {
        return password;
    }

    /** Stops the embedded server (an external one is left alone), to test what an outage does. */
    public void stop() throws IOException {
        if (embedded == null) {
            throw new IllegalStateException("an external test server cannot be stopped by the tests");
        }
        embedded.close();
    }

    public boolean embedded() {
        return embedded != null;
    }
}
