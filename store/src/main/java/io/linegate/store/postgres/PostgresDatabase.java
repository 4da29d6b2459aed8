package io.linegate.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.linegate.store.Cluster;
import io.linegate.store.Store;
import io.linegate.store.WriteHealth;
import io.linegate.store.StoreException;
import io.linegate.store.jdbc.StoreWriteHealth;
import io.linegate.store.jdbc.Database;
import io.linegate.store.jdbc.Dialect;
import io.linegate.store.jdbc.GroupCommitWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL database shared by any number of linegate processes. Acknowledgements (inbox appends)
 * go through one {@link GroupCommitWriter} per process, so concurrent webhooks share a commit and its
 * WAL flush, sent as one batched insert; other writes run as ordinary transactions on a pool, side by
 * side with the other processes' (the SQL locks what it reads before it writes). Commits wait for the
 * WAL flush ({@code synchronous_commit} is left to the server, whose default is on).
 */
final class PostgresDatabase extends Database {
    private static final Logger log = LoggerFactory.getLogger(PostgresDatabase.class);
    private static final int POOL = 12;

    private final String location; // fit for logs: never a password
    private final DataSource pool;
    private final AutoCloseable ownedPool; // null: the application's, which it closes
    private final GroupCommitWriter appender;
    private final ExecutorService writes;
    private final PostgresCluster cluster = new PostgresCluster(this);
    private final StoreWriteHealth health;

    private PostgresDatabase(String location, DataSource pool, AutoCloseable ownedPool, GroupCommitWriter appender,
                             Clock clock) {
        super(Dialect.POSTGRESQL, clock);
        this.location = location;
        this.pool = pool;
        this.ownedPool = ownedPool;
        this.appender = appender;
        this.health = new StoreWriteHealth(location, null);
        appender.watch(health, WRITE_PROBE);
        AtomicInteger n = new AtomicInteger();
        this.writes = Executors.newFixedThreadPool(POOL - 2, r -> {
            Thread t = new Thread(r, "linegate-store-write-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    static PostgresDatabase open(PostgresLocation location, Store.Options options) {
        SessionLimits limits = SessionLimits.forLease(options.leaseTime());
        PGSimpleDataSource ds = dataSource(location);
        // Every session linegate works on has the server's timeouts, shorter than the lease, and keepalives:
        // a stalled node (a pause, a half-open connection) cannot hold a lock or a transaction the others wait on
        // for longer than it would hold its partitions.
        ds.setOptions(limits.options());
        ds.setTcpKeepAlive(true);
        ds.setSocketTimeout(limits.socketTimeoutSeconds());
        HikariConfig config = new HikariConfig();
        config.setDataSource(ds);
        config.setPoolName("linegate-store");
        config.setMaximumPoolSize(POOL);
        config.setMinimumIdle(2);
        config.setConnectionTimeout(5_000);
        config.setInitializationFailTimeout(5_000);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreException("cannot connect to the store " + location + ": " + rootMessage(e), null);
        }
        // Migrations may rewrite large tables: they run on a session of their own, without the timeouts.
        return migrateAndOpen(location.toString(), pool, dataSource(location), pool, ds::getConnection, options);
    }

    private static PGSimpleDataSource dataSource(PostgresLocation location) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(location.jdbcUrl());
        if (location.user() != null) {
            ds.setUser(location.user());
        }
        if (location.password() != null) {
            ds.setPassword(location.password().reveal());
        }
        ds.setConnectTimeout(5);
        ds.setLoginTimeout(5);
        ds.setApplicationName("linegate");
        ds.setReWriteBatchedInserts(true);
        return ds;
    }

    /**
     * On the application's own data source: its pool serves linegate's reads and writes, and one of its
     * connections is the appender's; closing the store leaves the pool open. The pool's sessions are the
     * application's to configure: a warning says so when they have no statement timeout.
     */
    static PostgresDatabase openOn(DataSource dataSource, Store.Options options) {
        String where;
        try (Connection c = dataSource.getConnection()) {
            String url = c.getMetaData().getURL();
            where = "the application's DataSource (" + (url == null ? "PostgreSQL" : url.replaceAll("\\?.*$", "")) + ")";
            SessionLimits.warnIfUnlimited(c, options.leaseTime(), where);
        } catch (SQLException e) {
            throw new StoreException("cannot connect to the application's DataSource: " + rootMessage(e), null);
        }
        return migrateAndOpen(where, dataSource, dataSource, null, dataSource::getConnection, options);
    }

    private static PostgresDatabase migrateAndOpen(String location, DataSource pool, DataSource migrations,
                                                   AutoCloseable ownedPool, GroupCommitWriter.Connector appenderConnections,
                                                   Store.Options options) {
        try {
            if (!options.create() && !hasSchema(pool)) {
                closeQuietly(ownedPool);
                throw new StoreException("no linegate store in " + location + " (the database has no linegate tables)", null);
            }
            Flyway.configure()
                    .dataSource(migrations)
                    .locations("classpath:db/migration/postgresql")
                    .loggers("slf4j")
                    .load()
                    .migrate(); // Flyway holds an advisory lock: nodes starting together migrate once
            GroupCommitWriter appender = new GroupCommitWriter(appenderConnections, "linegate-store-appender", null);
            log.info("store {} opened", location);
            return new PostgresDatabase(location, pool, ownedPool, appender, options.clock());
        } catch (StoreException e) {
            throw e;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(ownedPool);
            throw new StoreException("cannot open the store " + location + ": " + rootMessage(e), null);
        }
    }

    private static void closeQuietly(AutoCloseable pool) {
        if (pool == null) {
            return;
        }
        try {
            pool.close();
        } catch (Exception e) {
            log.debug("closing the store's pool failed: {}", e.toString());
        }
    }

    private static boolean hasSchema(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT to_regclass('flyway_schema_history') IS NOT NULL")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** The innermost message of a failure, which names the cause (refused, authentication failed, no such database). */
    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    @Override
    public <T> CompletableFuture<T> write(GroupCommitWriter.Work<T> work) {
        return CompletableFuture.supplyAsync(() -> {
            for (int attempt = 1; ; attempt++) {
                try (Connection c = pool.getConnection()) {
                    return runInTransaction(c, work);
                } catch (SQLException e) {
                    // Two transactions that locked rows in opposite orders, or a serialization conflict:
                    // the server rolled one back and it is safe to run it again.
                    if (attempt < 3 && ("40P01".equals(e.getSQLState()) || "40001".equals(e.getSQLState()))) {
                        continue;
                    }
                    health.failed(e);
                    throw new CompletionException(new StoreException("a write to the store failed (" + location + ")", e));
                }
            }
        }, writes);
    }

    @Override
    public <T> CompletableFuture<T> writeGrouped(GroupCommitWriter.Work<T> work) {
        return appender.submit(work);
    }

    @Override
    public WriteHealth writeHealth() {
        return health;
    }

    @Override
    public Cluster cluster() {
        return cluster;
    }

    @Override
    protected DataSource readers() {
        return pool;
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public void close() {
        appender.close();
        writes.shutdown();
        try {
            writes.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(ownedPool);
    }
}
