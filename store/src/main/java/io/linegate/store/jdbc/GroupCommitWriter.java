package io.linegate.store.jdbc;

import io.linegate.store.WriteFailures;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection committing queued writes in groups.
 *
 * <p>Every durable commit costs an fsync. This writer takes whatever is queued, runs it in one
 * transaction and commits once: concurrent webhook requests share an fsync (group commit) instead of
 * queueing for one each. If a transaction fails, its writes are retried one by one so that one bad
 * write fails alone. Statements added with {@link Tx#batch} are sent as one batch just before the
 * commit, so that a group of inserts costs one round trip on a server database.
 *
 * <p>Acknowledgements come first. Writes submitted with {@link #submitUrgent} (the journal's appends,
 * which a webhook's {@code 200} waits for) never queue behind the others: a group is formed from them
 * whenever any wait, and a group of other writes (splits, done-marks) that is running when one arrives
 * stops taking more of its own and lets the waiting ones join its transaction, so that they commit with
 * the next fsync. The other writes left out go back to the front of their queue, in their order.
 * Durability is the same for both: a future completes once its transaction is committed.
 *
 * <p>With a {@code beginSql} (SQLite: {@code BEGIN IMMEDIATE}) each group begins explicitly: the
 * write lock is taken when a group starts, so a read-then-write cannot interleave with another
 * process's writer, and no lock is held between groups. Without one, the connection runs with
 * auto-commit off and each group ends with a commit.
 *
 * <p>A failed group leaves the connection clean for the next: it is rolled back with a statement of its
 * own (SQLite may have rolled it back already, after {@code SQLITE_FULL} or an I/O error, and a
 * prepared {@code ROLLBACK} that failed so cannot be run again), and the statements it prepared are
 * prepared afresh. With {@link #watch}, a group that failed because the store cannot write
 * ({@link WriteFailures}) fails whole (retrying its writes one by one would fail each again) and makes
 * the store unwritable; a probe write then runs every second until one commits.
 */
public final class GroupCommitWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final int MAX_BATCH = 2_000;
    private static final long PROBE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** A unit of work inside a transaction. */
    public interface Work<T> {
        T run(Tx tx) throws SQLException;
    }

    /** A transaction: statements are prepared once per connection and reused. */
    public static final class Tx {
        private final Connection connection;
        private final Map<String, PreparedStatement> statements = new HashMap<>();
        private final Map<String, PreparedStatement> batches = new LinkedHashMap<>();

        Tx(Connection connection) {
            this.connection = connection;
        }

        /** The transaction's connection, for what a statement cannot do alone (arrays, say). */
        public Connection connection() {
            return connection;
        }

        public PreparedStatement prepare(String sql) throws SQLException {
            PreparedStatement ps = statements.get(sql);
            if (ps == null) {
                ps = connection.prepareStatement(sql);
                statements.put(sql, ps);
            }
            return ps;
        }

        /**
         * A statement whose executions are batched: bind, then {@code addBatch()}; the batch runs
         * before the transaction commits. Use it for writes whose results nobody reads.
         */
        public PreparedStatement batch(String sql) throws SQLException {
            PreparedStatement ps = prepare(sql);
            batches.put(sql, ps);
            return ps;
        }

        void flushBatches() throws SQLException {
            for (PreparedStatement ps : batches.values()) {
                ps.executeBatch();
            }
            batches.clear();
        }

        void discardBatches() {
            for (PreparedStatement ps : batches.values()) {
                try {
                    ps.clearBatch();
                } catch (SQLException e) {
                    log.debug("clearBatch: {}", e.getMessage());
                }
            }
            batches.clear();
        }

        void closeStatements() {
            for (PreparedStatement ps : statements.values()) {
                try {
                    ps.close();
                } catch (SQLException e) {
                    log.debug("close: {}", e.getMessage());
                }
            }
            statements.clear();
        }
    }

    private record Task<T>(Work<T> work, CompletableFuture<T> result) {
        void complete(Object value) {
            @SuppressWarnings("unchecked") T t = (T) value;
            result.complete(t);
        }
    }

    /** Opens the writer's connection (again, after it broke). */
    public interface Connector {
        Connection open() throws SQLException;
    }

    /** One open connection with its prepared statements. */
    private static final class Session {
        final Connection connection;
        final Tx tx;
        final String beginSql;
        PreparedStatement begin;
        PreparedStatement commit;

        Session(Connection connection, String beginSql) throws SQLException {
            this.connection = connection;
            this.tx = new Tx(connection);
            this.beginSql = beginSql;
            if (beginSql != null) {
                prepareTransactionStatements();
            } else {
                connection.setAutoCommit(false);
            }
        }

        private void prepareTransactionStatements() throws SQLException {
            this.begin = connection.prepareStatement(beginSql);
            this.commit = connection.prepareStatement("COMMIT");
        }

        void begin() throws SQLException {
            if (begin != null) {
                begin.execute();
            }
        }

        void commit() throws SQLException {
            tx.flushBatches();
            if (commit != null) {
                commit.execute();
            } else {
                connection.commit();
            }
        }

        /**
         * Undoes the failed group and prepares its statements afresh: the SQLite driver cannot run again
         * a prepared statement whose execution failed ("statement is not executing"), so reusing them
         * would leave the next group's transaction open for ever ("cannot start a transaction within a
         * transaction").
         */
        void rollback() {
            tx.discardBatches();
            try {
                if (beginSql != null) {
                    try (Statement st = connection.createStatement()) {
                        st.execute("ROLLBACK");
                    }
                } else {
                    connection.rollback();
                }
            } catch (SQLException e) {
                // No transaction was open (BEGIN failed, or SQLite rolled it back itself after SQLITE_FULL
                // or an I/O error), or the connection is gone: nothing to undo.
                log.debug("rollback: {}", e.getMessage());
            }
            tx.closeStatements();
            if (beginSql != null) {
                closeTransactionStatements();
                try {
                    prepareTransactionStatements();
                } catch (SQLException e) {
                    // The connection is gone: broken() says so and the writer reconnects.
                    log.debug("preparing BEGIN/COMMIT again: {}", e.getMessage());
                    begin = null;
                }
            }
        }

        private void closeTransactionStatements() {
            for (PreparedStatement ps : new PreparedStatement[] {begin, commit}) {
                try {
                    if (ps != null) {
                        ps.close();
                    }
                } catch (SQLException e) {
                    log.debug("close: {}", e.getMessage());
                }
            }
        }

        boolean broken() {
            try {
                return (beginSql != null && begin == null) || connection.isClosed() || !connection.isValid(2);
            } catch (SQLException e) {
                return true;
            }
        }

        void close() {
            tx.closeStatements();
            closeTransactionStatements();
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("closing the writer connection: {}", e.getMessage());
            }
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final ArrayDeque<Task<?>> urgent = new ArrayDeque<>(); // guarded by lock
    private final ArrayDeque<Task<?>> normal = new ArrayDeque<>(); // guarded by lock
    private final AtomicInteger urgentWaiting = new AtomicInteger();
    private final Connector connector;
    private final String beginSql;
    private final Thread thread;
    private Session session; // the writer thread's own
    private volatile boolean running = true;
    private volatile StoreWriteHealth health; // null: unwatched
    private volatile Work<?> probe;
    private long lastProbe; // the writer thread's own

    /**
     * @param beginSql {@code BEGIN IMMEDIATE} for SQLite (explicit transactions), or null to run with
     *                 auto-commit off and commit through the driver
     */
    public GroupCommitWriter(Connector connector, String name, String beginSql) throws SQLException {
        this.connector = connector;
        this.beginSql = beginSql;
        this.session = new Session(connector.open(), beginSql);
        this.thread = new Thread(this::loop, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Reports this writer's failures to {@code health}: a group that fails because the store cannot
     * write fails whole and makes it unwritable; from then on, {@code probe} (a small write that needs
     * room, such as an insert that is deleted again) runs once a second, and the store is writable again
     * once it or a group of urgent writes commits (other writes, deletes say, may fit where appends don't).
     */
    public void watch(StoreWriteHealth health, Work<?> probe) {
        this.probe = probe;
        this.health = health;
    }

    /** Queues a write; it commits after the writes submitted before it, and after every urgent one waiting. */
    public <T> CompletableFuture<T> submit(Work<T> work) {
        return enqueue(work, false);
    }

    /** Queues a write that someone is waiting for (an acknowledgement): it commits before every other write waiting. */
    public <T> CompletableFuture<T> submitUrgent(Work<T> work) {
        return enqueue(work, true);
    }

    private <T> CompletableFuture<T> enqueue(Work<T> work, boolean isUrgent) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (!running) {
            result.completeExceptionally(new IllegalStateException("store is closed"));
            return result;
        }
        lock.lock();
        try {
            if (isUrgent) {
                urgent.add(new Task<>(work, result));
                urgentWaiting.incrementAndGet();
            } else {
                normal.add(new Task<>(work, result));
            }
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
        return result;
    }

    /** Whether urgent writes (acknowledgements) are queued and not yet taken into a commit. */
    public boolean urgentWaiting() {
        return urgentWaiting.get() > 0;
    }

    /** Writes queued and not yet committed. */
    public int queued() {
        lock.lock();
        try {
            return urgent.size() + normal.size();
        } finally {
            lock.unlock();
        }
    }

    private boolean isEmpty() {
        lock.lock();
        try {
            return urgent.isEmpty() && normal.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        List<Task<?>> batch = new ArrayList<>(MAX_BATCH);
        while (running || !isEmpty()) {
            try {
                probeIfUnwritable();
                boolean ofUrgent = takeGroup(batch);
                if (!batch.isEmpty()) {
                    commitGroup(batch, !ofUrgent, ofUrgent);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                batch.clear();
            }
        }
        failRemaining();
    }

    private void probeIfUnwritable() {
        StoreWriteHealth h = health;
        long now = System.nanoTime();
        if (h == null || h.writable() || now - lastProbe < PROBE_INTERVAL_NANOS) {
            return;
        }
        lastProbe = now;
        commitGroup(new ArrayList<>(List.of(new Task<>(probe, new CompletableFuture<>()))), false, true);
    }

    /** Fills {@code batch} with the urgent writes if any wait, else with the others; true if urgent. */
    private boolean takeGroup(List<Task<?>> batch) throws InterruptedException {
        lock.lock();
        try {
            if (urgent.isEmpty() && normal.isEmpty()) {
                notEmpty.await(100, TimeUnit.MILLISECONDS);
            }
            if (!urgent.isEmpty()) {
                drainUrgent(batch);
                return true;
            }
            while (!normal.isEmpty() && batch.size() < MAX_BATCH) {
                batch.add(normal.poll());
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void drainUrgent(List<Task<?>> into) {
        lock.lock();
        try {
            int n = 0;
            while (n < MAX_BATCH && !urgent.isEmpty()) {
                into.add(urgent.poll());
                n++;
            }
            urgentWaiting.addAndGet(-n);
        } finally {
            lock.unlock();
        }
    }

    /** Puts writes left out of a group back at the front of their queue, in their order. */
    private void putBack(List<Task<?>> rest) {
        lock.lock();
        try {
            for (int i = rest.size() - 1; i >= 0; i--) {
                normal.addFirst(rest.get(i));
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs a group in one transaction and commits it. With {@code yieldToUrgent}, urgent writes that
     * arrive meanwhile join the transaction and the group's writes not yet run wait for the next one.
     */
    private void commitGroup(List<Task<?>> batch, boolean yieldToUrgent, boolean showsWritable) {
        StoreWriteHealth h = health;
        Session s;
        try {
            s = session();
        } catch (SQLException e) {
            // The database is unreachable: fail fast, so that callers answer at once (a webhook gets 503).
            if (h != null) {
                h.failed(e);
            }
            batch.forEach(t -> t.result().completeExceptionally(e));
            return;
        }
        List<Object> results = new ArrayList<>(batch.size());
        try {
            s.begin();
            boolean yielding = yieldToUrgent;
            for (int i = 0; i < batch.size(); i++) {
                if (yielding && urgentWaiting.get() > 0) {
                    yielding = false;
                    List<Task<?>> rest = batch.subList(i, batch.size());
                    putBack(new ArrayList<>(rest));
                    rest.clear();
                    drainUrgent(batch);
                    if (i == batch.size()) {
                        break;
                    }
                }
                results.add(batch.get(i).work().run(s.tx));
            }
            if (yielding && urgentWaiting.get() > 0) {
                int from = batch.size();
                drainUrgent(batch);
                for (int i = from; i < batch.size(); i++) {
                    results.add(batch.get(i).work().run(s.tx));
                }
            }
            s.commit();
        } catch (SQLException | RuntimeException e) {
            s.rollback();
            boolean cannotWrite = h != null && WriteFailures.cannotWrite(e) != null;
            if (h != null) {
                h.failed(e);
            }
            if (s.broken()) {
                log.warn("the store's writer connection broke ({}); reconnecting", e.getMessage());
                s.close();
                session = null;
                batch.forEach(t -> t.result().completeExceptionally(e));
            } else if (batch.size() == 1 || cannotWrite) {
                // One write, or none could be written: each fails with the group's cause.
                batch.forEach(t -> t.result().completeExceptionally(e));
            } else {
                for (Task<?> task : batch) {
                    commitGroup(new ArrayList<>(List.of(task)), false, showsWritable);
                }
            }
            return;
        }
        if (showsWritable && h != null) {
            h.committed();
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).complete(results.get(i));
        }
    }

    private Session session() throws SQLException {
        if (session == null) {
            session = new Session(connector.open(), beginSql);
        }
        return session;
    }

    private void failRemaining() {
        lock.lock();
        try {
            for (ArrayDeque<Task<?>> q : List.of(urgent, normal)) {
                Task<?> t;
                while ((t = q.poll()) != null) {
                    t.result().completeExceptionally(new IllegalStateException("store is closed"));
                }
            }
            urgentWaiting.set(0);
        } finally {
            lock.unlock();
        }
    }

    /** Commits what is queued, then stops. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (session != null) {
            session.close();
        }
    }
}
