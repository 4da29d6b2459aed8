package io.linegate.store.jdbc;

import io.linegate.store.ApiRequestLog;
import io.linegate.store.ApiRequestLog.ApiCall;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The {@link ApiRequestLog} in SQL. */
final class JdbcApiRequestLog implements ApiRequestLog {
    private final Database db;

    JdbcApiRequestLog(Database db) {
        this.db = db;
    }

    @Override
    public CompletableFuture<Void> record(ApiCall c) {
        return db.write(tx -> {
            PreparedStatement ps = tx.prepare("INSERT INTO api_requests (at, method, endpoint, status, latency_ms,"
                    + " request_id, accepted_request_id, retry_key, attempt, error, request_body)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
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

    @Override
    public CompletableFuture<Integer> pruneApiRequests(Instant before) {
        return db.update("DELETE FROM api_requests WHERE at < ?", ps -> ps.setLong(1, before.toEpochMilli()));
    }

}
