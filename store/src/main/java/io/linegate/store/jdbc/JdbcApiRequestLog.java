package io.linegate.store.jdbc;

import io.linegate.store.ApiRequestLog;
import io.linegate.store.ApiRequestLog.ApiCall;
import io.linegate.store.WriteFailures;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ApiRequestLog} in SQL. A call that cannot be written (the database is away for a moment:
 * a restart, a failover) is kept in memory and written when the store takes writes again, oldest
 * first, so that the log has no gap; at most {@value #KEPT} are kept, beyond which the oldest are
 * given up and counted in one warning.
 */
final class JdbcApiRequestLog implements ApiRequestLog {
    private static final Logger log = LoggerFactory.getLogger(JdbcApiRequestLog.class);
    static final int KEPT = 100_000;
    private static final long RETRY_MS = 1_000;

    private final Database db;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>(); // guarded by itself
    private final AtomicBoolean retryScheduled = new AtomicBoolean();
    private long givenUp; // guarded by waiting

    private record Waiting(ApiCall call, CompletableFuture<Void> written) {}

    JdbcApiRequestLog(Database db) {
        this.db = db;
    }

    @Override
    public CompletableFuture<Void> record(ApiCall c) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        boolean behind;
        synchronized (waiting) {
            behind = !waiting.isEmpty();
            if (behind) {
                keep(new Waiting(c, written)); // after those kept before it: the log keeps its order
            }
        }
        if (behind) {
            return written;
        }
        insert(List.of(c)).whenComplete((v, e) -> {
            if (e == null) {
                written.complete(null);
            } else if (!storeAway(e)) {
                written.completeExceptionally(e); // this call cannot be written (not the store's absence)
            } else {
                synchronized (waiting) {
                    keep(new Waiting(c, written));
                }
                scheduleRetry();
            }
        });
        return written;
    }

    private void keep(Waiting w) {
        waiting.addLast(w);
        if (waiting.size() > KEPT) {
            Waiting dropped = waiting.removeFirst();
            givenUp++;
            dropped.written().completeExceptionally(new IllegalStateException(
                    "the API request log kept " + KEPT + " calls while the store could not be written; the oldest was given up"));
            if (givenUp == 1 || givenUp % 10_000 == 0) {
                log.warn("{} API calls could not be logged: the store has not taken writes for too long", givenUp);
            }
        }
    }

    private void scheduleRetry() {
        if (retryScheduled.compareAndSet(false, true)) {
            CompletableFuture.delayedExecutor(RETRY_MS, TimeUnit.MILLISECONDS).execute(this::retry);
        }
    }

    /** Writes what was kept, in order, a thousand at a time, until all is written or a write fails again. */
    private void retry() {
        retryScheduled.set(false);
        while (true) {
            List<Waiting> next = new ArrayList<>();
            synchronized (waiting) {
                Iterator<Waiting> it = waiting.iterator();
                while (it.hasNext() && next.size() < 1_000) {
                    next.add(it.next());
                }
            }
            if (next.isEmpty()) {
                return;
            }
            try {
                insert(next.stream().map(Waiting::call).toList()).join();
            } catch (RuntimeException e) {
                if (storeAway(e)) {
                    scheduleRetry();
                    return;
                }
                next = writeOneByOne(next); // one of them cannot be written: the others are, it is given up
            }
            synchronized (waiting) {
                for (Waiting w : next) {
                    waiting.remove(w);
                }
            }
            next.forEach(w -> w.written().complete(null));
        }
    }

    private List<Waiting> writeOneByOne(List<Waiting> batch) {
        for (Waiting w : batch) {
            try {
                insert(List.of(w.call())).join();
            } catch (RuntimeException e) {
                if (storeAway(e)) {
                    return batch.subList(0, batch.indexOf(w)); // written so far; the rest waits for the store
                }
                synchronized (waiting) {
                    waiting.remove(w);
                }
                w.written().completeExceptionally(e);
            }
        }
        return batch;
    }

    /**
     * Whether a write failed because the database could not be reached or could not write (a connection
     * failure, a server shutting down or starting, no room): worth trying again later. A call the
     * database refuses for what it holds is not.
     */
    static boolean storeAway(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P") || state.equals("55P03")
                        || state.equals("57014") || state.equals("25P03")) {
                    return true;
                }
            }
            if (WriteFailures.cannotWrite(t) != null) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** Calls kept in memory, waiting for the store (for tests and status). */
    int waiting() {
        synchronized (waiting) {
            return waiting.size();
        }
    }

    private CompletableFuture<Void> insert(List<ApiCall> calls) {
        return db.write(tx -> {
            PreparedStatement ps = tx.prepare("INSERT INTO api_requests (at, method, endpoint, status, latency_ms,"
                    + " request_id, accepted_request_id, retry_key, attempt, error, request_body)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            for (ApiCall c : calls) {
                ps.setLong(1, c.at().toEpochMilli());
                ps.setString(2, c.method());
                ps.setString(3, c.endpoint());
                ps.setInt(4, c.status());
                ps.setLong(5, c.latencyMs());
                ps.setString(6, c.requestId());
                ps.setString(7, c.acceptedRequestId());
                ps.setString(8, c.retryKey());
                ps.setInt(9, c.attempt());
                ps.setString(10, c.error());
                ps.setString(11, c.requestBody());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<ApiCall> query(Instant since, int statusFrom, int statusTo, String requestId, int limit) {
        return db.query("SELECT at, method, endpoint, status, latency_ms, request_id, accepted_request_id, retry_key,"
                        + " attempt, error, request_body FROM api_requests WHERE at >= ? AND status BETWEEN ? AND ?"
                        + " AND (CAST(? AS TEXT) IS NULL OR request_id = ? OR accepted_request_id = ?) ORDER BY id DESC LIMIT ?",
                ps -> {
                    ps.setLong(1, since.toEpochMilli());
                    ps.setInt(2, statusFrom);
                    ps.setInt(3, statusTo);
                    ps.setString(4, requestId);
                    ps.setString(5, requestId);
                    ps.setString(6, requestId);
                    ps.setInt(7, limit);
                },
                rs -> new ApiCall(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2), rs.getString(3), rs.getInt(4),
                        rs.getLong(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getInt(9),
                        rs.getString(10), rs.getString(11)));
    }

    private static final String COLUMNS = "id, at, method, endpoint, status, latency_ms, request_id, accepted_request_id,"
            + " retry_key, attempt, error, request_body";

    @Override
    public List<Logged> search(Search s, Position after, int limit) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        String index = "api_requests_by_time";
        if (s.from() != null) {
            where.append(" AND at >= ?");
            args.add(s.from().toEpochMilli());
        }
        if (s.to() != null) {
            where.append(" AND at < ?");
            args.add(s.to().toEpochMilli());
        }
        if (after != null) {
            where.append(" AND (at, id) < (?, ?)"); // a row comparison: both backends start the index walk there
            args.add(after.at().toEpochMilli());
            args.add(after.id());
        }
        boolean exactStatus = s.statusFrom() != null && s.statusFrom().equals(s.statusTo());
        if (exactStatus) {
            where.append(" AND status = ?");
            args.add(s.statusFrom());
            index = "api_requests_by_status";
        } else {
            // A range of statuses is filtered while walking another index: its rows are not in time order.
            if (s.statusFrom() != null) {
                where.append(" AND +status >= ?");
                args.add(s.statusFrom());
            }
            if (s.statusTo() != null) {
                where.append(" AND +status <= ?");
                args.add(s.statusTo());
            }
        }
        if (s.endpoint() != null) {
            where.append(" AND endpoint = ?");
            args.add(s.endpoint());
            index = "api_requests_by_endpoint";
        }
        if (s.retryKey() != null) {
            where.append(" AND retry_key = ?");
            args.add(s.retryKey());
            index = "api_requests_by_retry_key";
        }
        if (s.requestId() != null) {
            where.append(" AND (request_id = ? OR accepted_request_id = ?)");
            args.add(s.requestId());
            args.add(s.requestId());
            index = null; // two indexes, one for each id
        }
        args.add(limit);
        // SQLite keeps no statistics: it is told which index answers (the narrowest the search names).
        String table = "api_requests" + (index == null ? "" : db.dialect().indexedBy(index));
        return db.query("SELECT " + COLUMNS + " FROM " + table + where + " ORDER BY at DESC, id DESC LIMIT ?",
                ps -> {
                    for (int i = 0; i < args.size(); i++) {
                        Object a = args.get(i);
                        if (a instanceof String text) {
                            ps.setString(i + 1, text);
                        } else {
                            ps.setLong(i + 1, ((Number) a).longValue());
                        }
                    }
                }, JdbcApiRequestLog::logged);
    }

    @Override
    public List<Logged> attempts(long id, int limit) {
        List<Logged> one = db.query("SELECT " + COLUMNS + " FROM api_requests WHERE id = ?", ps -> ps.setLong(1, id),
                JdbcApiRequestLog::logged);
        if (one.isEmpty()) {
            return List.of();
        }
        ApiCall call = one.get(0).call();
        if (call.retryKey() != null) {
            return db.query("SELECT " + COLUMNS + " FROM api_requests WHERE retry_key = ? ORDER BY at, id LIMIT ?", ps -> {
                ps.setString(1, call.retryKey());
                ps.setInt(2, limit);
            }, JdbcApiRequestLog::logged);
        }
        String requestId = call.acceptedRequestId() != null ? call.acceptedRequestId() : call.requestId();
        if (requestId != null) {
            return db.query("SELECT " + COLUMNS + " FROM api_requests WHERE request_id = ? OR accepted_request_id = ?"
                    + " ORDER BY at, id LIMIT ?", ps -> {
                        ps.setString(1, requestId);
                        ps.setString(2, requestId);
                        ps.setInt(3, limit);
                    }, JdbcApiRequestLog::logged);
        }
        return one;
    }

    private static Logged logged(ResultSet rs) throws SQLException {
        return new Logged(rs.getLong(1), new ApiCall(Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4),
                rs.getInt(5), rs.getLong(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getInt(10),
                rs.getString(11), rs.getString(12)));
    }

    @Override
    public CompletableFuture<Integer> pruneApiRequests(Instant before) {
        return db.update("DELETE FROM api_requests WHERE at < ?", ps -> ps.setLong(1, before.toEpochMilli()));
    }

}
