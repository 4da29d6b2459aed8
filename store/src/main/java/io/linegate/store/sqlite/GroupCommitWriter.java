package io.linegate.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of a SQLite database, committing queued writes in groups.
 *
 * <p>SQLite allows one writer at a time, and with {@code synchronous=FULL} every commit is an
 * fsync. So all writes go through one thread that takes whatever is queued, runs it in one
 * transaction and commits once: concurrent webhook requests share an fsync (group commit) instead of
 * queueing for one each. If a transaction fails, its writes are retried one by one so that one bad
 * write fails alone.
 *
 * <p>Transactions are begun explicitly with {@code BEGIN IMMEDIATE}: the write lock is taken when a
 * group starts, so a read-then-write (a lease, a shared rate bucket) cannot interleave with another
 * process's writer, and no lock is held between groups (the driver's own transaction handling would
 * begin the next transaction at once and hold the lock while idle).
 */
final class GroupCommitWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final int MAX_BATCH = 2_000;

    /** A unit of work inside the writer's transaction. */
    interface Work<T> {
        T run(Tx tx) throws SQLException;
    }

    /** The writer's transaction: statements are prepared once and reused across batches. */
    static final class Tx {
        private final Connection connection;
        private final Map<String, PreparedStatement> statements = new HashMap<>();

        Tx(Connection connection) {
            this.connection = connection;
        }

        PreparedStatement prepare(String sql) throws SQLException {
            PreparedStatement ps = statements.get(sql);
            if (ps == null) {
                ps = connection.prepareStatement(sql);
                statements.put(sql, ps);
            }
            return ps;
        }
    }

    private record Task<T>(Work<T> work, CompletableFuture<T> result) {
        void complete(Object value) {
            @SuppressWarnings("unchecked") T t = (T) value;
            result.complete(t);
        }
    }

    private final BlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
    private final Connection connection;
    private final Tx tx;
    private final Thread thread;
    private final PreparedStatement begin;
    private final PreparedStatement commit;
    private final PreparedStatement rollback;
    private volatile boolean running = true;

    GroupCommitWriter(Connection connection, String name) throws SQLException {
        this.connection = connection;
        this.tx = new Tx(connection);
        this.begin = connection.prepareStatement("BEGIN IMMEDIATE");
        this.commit = connection.prepareStatement("COMMIT");
        this.rollback = connection.prepareStatement("ROLLBACK");
        this.thread = new Thread(this::loop, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    <T> CompletableFuture<T> submit(Work<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (!running) {
            result.completeExceptionally(new IllegalStateException("store is closed"));
            return result;
        }
        queue.add(new Task<>(work, result));
        return result;
    }

    private void loop() {
        List<Task<?>> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Task<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                commitGroup(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                batch.clear();
            }
        }
        failRemaining();
    }

    private void commitGroup(List<Task<?>> batch) {
        Object[] results = new Object[batch.size()];
        try {
            begin.execute();
            for (int i = 0; i < batch.size(); i++) {
                results[i] = batch.get(i).work().run(tx);
            }
            commit.execute();
        } catch (SQLException | RuntimeException e) {
            rollback();
            if (batch.size() == 1) {
                batch.get(0).result().completeExceptionally(e);
            } else {
                for (Task<?> task : batch) {
                    commitGroup(new ArrayList<>(List.of(task)));
                }
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).complete(results[i]);
        }
    }

    private void rollback() {
        try {
            rollback.execute();
        } catch (SQLException e) {
            // No transaction was open (BEGIN itself failed): nothing to undo.
            log.debug("rollback: {}", e.getMessage());
        }
    }

    private void failRemaining() {
        Task<?> t;
        while ((t = queue.poll()) != null) {
            t.result().completeExceptionally(new IllegalStateException("store is closed"));
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
        try {
            for (PreparedStatement ps : tx.statements.values()) {
                ps.close();
            }
            begin.close();
            commit.close();
            rollback.close();
            connection.close();
        } catch (SQLException e) {
            log.warn("closing the writer connection failed", e);
        }
    }
}
