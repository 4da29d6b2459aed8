package io.linegate.store.sqlite;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.linegate.store.Cluster;
import io.linegate.store.WriteHealth;
import io.linegate.store.StoreException;
import io.linegate.store.WriteFailures;
import io.linegate.store.jdbc.StoreWriteHealth;
import io.linegate.store.jdbc.Database;
import io.linegate.store.jdbc.Dialect;
import io.linegate.store.jdbc.GroupCommitWriter;
import io.linegate.store.jdbc.SingleNodeCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * One SQLite file in WAL mode under the data directory. SQLite has one writer at a time, so every
 * write goes through one {@link GroupCommitWriter} ({@code synchronous=FULL}: a completed write
 * survives a crash of the process and of the machine); reads use a small pool of connections, which
 * WAL lets run while the writer commits.
 */
final class SqliteDatabase extends Database {
    static final String FILE_NAME = "linegate.db";
    private static final Logger log = LoggerFactory.getLogger(SqliteDatabase.class);
    private static final long CHECKPOINT_LINE_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Path dataDir;
    private final HikariDataSource readers;
    private final GroupCommitWriter writer;
    private final ScheduledExecutorService checkpointer;
    private final StoreWriteHealth health;
    private final Cluster cluster = new SingleNodeCluster(this);
    private long lastCheckpointLine = System.nanoTime() - CHECKPOINT_LINE_NANOS; // the checkpointer thread's own

    private SqliteDatabase(Path dataDir, HikariDataSource readers, GroupCommitWriter writer, Clock clock) {
        super(Dialect.SQLITE, clock);
        this.dataDir = dataDir;
        this.readers = readers;
        this.writer = writer;
        this.health = new StoreWriteHealth(location(), dataDir);
        writer.watch(health, WRITE_PROBE);
        this.checkpointer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "linegate-store-checkpointer");
            t.setDaemon(true);
            return t;
        });
        checkpointer.scheduleWithFixedDelay(this::checkpoint, 1, 1, TimeUnit.SECONDS);
    }

    /** Opens (creating and migrating if needed, unless {@code create} is false) the database under {@code dataDir}. */
    static SqliteDatabase open(Path dataDir, Clock clock, boolean create) {
        Path file = dataDir.resolve(FILE_NAME);
        if (!create && !Files.isRegularFile(file)) {
            throw new StoreException("no linegate store in " + dataDir + " (no " + FILE_NAME + " there)", null);
        }
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dataDir, e);
        }
        SQLiteDataSource ds = dataSource(file);
        migrate(ds, dataDir);
        HikariConfig pool = new HikariConfig();
        pool.setDataSource(ds);
        pool.setMaximumPoolSize(4);
        pool.setPoolName("linegate-store-readers");
        HikariDataSource readers = new HikariDataSource(pool);
        try {
            GroupCommitWriter writer = new GroupCommitWriter(() -> {
                Connection writes = ds.getConnection();
                try (Statement st = writes.createStatement()) {
                    // Checkpoints copy the WAL into the database file and fsync it: tens of milliseconds that
                    // would stall every acknowledgement in the group. The checkpointer thread does them instead.
                    st.execute("PRAGMA wal_autocheckpoint=0");
                }
                return writes;
            }, "linegate-store-writer", "BEGIN IMMEDIATE");
            return new SqliteDatabase(dataDir, readers, writer, clock);
        } catch (SQLException e) {
            readers.close();
            throw new StoreException("cannot open the writer connection", e);
        }
    }

    /**
     * Brings the schema up to date, one process at a time: Flyway's own lock does not hold on SQLite,
     * and processes of one deployment starting together on a new store would otherwise race to create
     * the same tables. An OS file lock beside the database serializes them (SQLite is shared only by
     * processes of one host, which all see the lock).
     */
    private static synchronized void migrate(SQLiteDataSource ds, Path dataDir) { // synchronized: a JVM may hold a file lock once
        try (FileChannel lockFile = FileChannel.open(dataDir.resolve(FILE_NAME + ".migrate-lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockFile.lock()) {
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration/sqlite")
                    .loggers("slf4j")
                    .load()
                    .migrate();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + dataDir + " for the schema migration", e);
        }
    }

    private static SQLiteDataSource dataSource(Path file) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // FULL: in WAL mode the log is synced at every commit, so an acknowledged webhook survives
        // power loss, not only a crash of the process.
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(10_000);
        config.setTempStore(SQLiteConfig.TempStore.MEMORY);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        return ds;
    }

    /**
     * A PASSIVE checkpoint never waits for the writer or readers; it copies what it can. One that fails
     * because the database file cannot be written (an I/O error, a read-only file system) fails again every
     * second until it can: while the store cannot write, that is the store's own line (rate-limited) and
     * the checkpoint says nothing; otherwise one line at most a minute, without a stack trace.
     */
    private void checkpoint() {
        try (Connection c = readers.getConnection(); Statement st = c.createStatement()) {
            st.execute("PRAGMA wal_checkpoint(PASSIVE)");
        } catch (SQLException | RuntimeException e) {
            String cannotWrite = WriteFailures.cannotWrite(e);
            if (cannotWrite == null) {
                log.warn("WAL checkpoint failed; will try again", e);
            } else if (health.writable() && System.nanoTime() - lastCheckpointLine >= CHECKPOINT_LINE_NANOS) {
                lastCheckpointLine = System.nanoTime();
                log.warn("WAL checkpoint of {} failed: {}; will try again every second", location(), cannotWrite);
            } else {
                log.debug("WAL checkpoint failed: {}", cannotWrite);
            }
        }
    }

    @Override
    public <T> CompletableFuture<T> write(GroupCommitWriter.Work<T> work) {
        return writer.submit(work);
    }

    @Override
    public <T> CompletableFuture<T> writeGrouped(GroupCommitWriter.Work<T> work) {
        return writer.submitUrgent(work);
    }

    @Override
    public boolean groupedWritesWaiting() {
        return writer.urgentWaiting();
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
        return readers;
    }

    @Override
    public String location() {
        return "sqlite:" + dataDir;
    }

    @Override
    public void close() {
        checkpointer.shutdownNow();
        writer.close();
        checkpoint();
        readers.close();
    }
}
