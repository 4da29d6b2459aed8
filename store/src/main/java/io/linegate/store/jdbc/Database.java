package io.linegate.store.jdbc;

import io.linegate.store.Cluster;
import io.linegate.store.StoreException;
import io.linegate.store.WriteHealth;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/**
 * The database under the JDBC store classes: how a backend reads, writes and commits. The store
 * classes ({@code Jdbc*}) hold the SQL, written in the dialect both backends accept
 * ({@code ON CONFLICT}, {@code RETURNING}); {@link Dialect} covers the rest.
 *
 * <p>Writes on a server database run concurrently with other processes' writes: a read followed by
 * a write must lock what it read ({@link Dialect#forUpdate()}) or be one conditional statement.
 */
public abstract class Database implements AutoCloseable {
    private final Dialect dialect;
    private final Clock clock;

    protected Database(Dialect dialect, Clock clock) {
        this.dialect = dialect;
        this.clock = clock;
    }

    public final Dialect dialect() {
        return dialect;
    }

    public final Clock clock() {
        return clock;
    }

    /** Runs {@code work} in one transaction; the future completes once it is committed and durable. */
    public abstract <T> CompletableFuture<T> write(GroupCommitWriter.Work<T> work);

    /**
     * Like {@link #write}, for small latency-sensitive writes (acknowledgements): they are committed
     * in groups, so that concurrent ones share one durable commit, and never wait behind writes made
     * with {@link #write} (on SQLite they go first in the one writer; on PostgreSQL they have a
     * connection of their own).
     */
    public abstract <T> CompletableFuture<T> writeGrouped(GroupCommitWriter.Work<T> work);

    /**
     * Whether writes made with {@link #writeGrouped} wait to be committed behind the one writer, so
     * that readers doing background work had better wait (false where they have a path of their own).
     */
    public boolean groupedWritesWaiting() {
        return false;
    }

    /** Whether this database can write now; see {@link StoreWriteHealth}. */
    public WriteHealth writeHealth() {
        return WriteHealth.UNWATCHED;
    }

    /**
     * The write {@link GroupCommitWriter#watch} tries while the store cannot write: 64 KiB that do not
     * compress, inserted and deleted in one transaction, so that it commits only where there is room for
     * more than a small append.
     */
    protected static final GroupCommitWriter.Work<Void> WRITE_PROBE = tx -> {
        byte[] filler = new byte[64 * 1024];
        ThreadLocalRandom.current().nextBytes(filler);
        PreparedStatement insert = tx.prepare("INSERT INTO write_probe (filler) VALUES (?)");
        insert.setBytes(1, filler);
        insert.executeUpdate();
        tx.prepare("DELETE FROM write_probe").executeUpdate();
        return null;
    };

    /** The nodes that share this database (one, for a database only one process may open). */
    public abstract Cluster cluster();

    /** Where reads go. */
    protected abstract DataSource readers();

    /** Where the data lives, for messages: never a password. */
    public abstract String location();

    @Override
    public abstract void close();

    public interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** One statement in its own transaction; completes with the number of rows it changed, once durable. */
    public final CompletableFuture<Integer> update(String sql, Binder binder) {
        return write(tx -> {
            PreparedStatement ps = tx.prepare(sql);
            binder.bind(ps);
            return ps.executeUpdate();
        });
    }

    /** A read outside any write transaction. */
    public final <T> List<T> query(String sql, Binder binder, RowMapper<T> mapper) {
        try (Connection c = readers().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new StoreException("the store could not be read (" + location() + ")", e);
        }
    }

    /**
     * Runs {@code work} in one transaction on {@code c} (auto-commit is turned off and restored) and
     * commits; rolls back and rethrows on failure.
     */
    protected static <T> T runInTransaction(Connection c, GroupCommitWriter.Work<T> work) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        GroupCommitWriter.Tx tx = new GroupCommitWriter.Tx(c);
        try {
            T result = work.run(tx);
            tx.flushBatches();
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            tx.discardBatches();
            try {
                c.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            tx.closeStatements();
            c.setAutoCommit(autoCommit);
        }
    }

    /** Runs an {@code INSERT ... RETURNING id} and gives the id. */
    public static long returningId(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the insert returned no id");
            }
            return rs.getLong(1);
        }
    }
}
