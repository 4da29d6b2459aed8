package io.linegate.store.jdbc;

import io.linegate.store.DeadLetters;
import io.linegate.store.DeadLetters.DeadLetter;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The {@link DeadLetters} in SQL; the journal moves failed events here in its own transactions. */
final class JdbcDeadLetters implements DeadLetters {
    private final Database db;

    JdbcDeadLetters(Database db) {
        this.db = db;
    }

    private static final String COLUMNS = "SELECT id, event_id, lane, payload, attempts, error, failed_at, replayed_at"
            + " FROM dead_letters";

    @Override
    public List<DeadLetter> list(int limit) {
        return db.query(COLUMNS + " ORDER BY id DESC LIMIT ?", ps -> ps.setInt(1, limit), JdbcDeadLetters::row);
    }

    private static DeadLetter row(ResultSet rs) throws SQLException {
        long replayed = rs.getLong(8);
        Instant replayedAt = rs.wasNull() ? null : Instant.ofEpochMilli(replayed); // before any other getter
        return new DeadLetter(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getInt(5), rs.getString(6), Instant.ofEpochMilli(rs.getLong(7)), replayedAt);
    }

    @Override
    public List<DeadLetter> page(Filter filter, long beforeId, int limit) {
        List<Object> args = new ArrayList<>();
        args.add(beforeId);
        String where = where(filter, args);
        args.add(limit);
        return db.query(COLUMNS + " WHERE id < ?" + where + " ORDER BY id DESC LIMIT ?", ps -> bind(ps, args),
                JdbcDeadLetters::row);
    }

    @Override
    public long count(Filter filter) {
        List<Object> args = new ArrayList<>();
        String where = where(filter, args);
        return db.query("SELECT count(*) FROM dead_letters WHERE 1 = 1" + where, ps -> bind(ps, args),
                rs -> rs.getLong(1)).get(0);
    }

    @Override
    public Optional<DeadLetter> get(long deadLetterId) {
        return db.query(COLUMNS + " WHERE id = ?", ps -> ps.setLong(1, deadLetterId), JdbcDeadLetters::row)
                .stream().findFirst();
    }

    /** The filter's conditions, each with its parameter appended to {@code args}. */
    private static String where(Filter filter, List<Object> args) {
        StringBuilder sql = new StringBuilder();
        if (filter.waitingOnly()) {
            sql.append(" AND replayed_at IS NULL");
        }
        if (filter.lane() != null && !filter.lane().isEmpty()) {
            sql.append(" AND lane = ?");
            args.add(filter.lane());
        }
        if (filter.text() != null && !filter.text().isEmpty()) {
            String pattern = "%" + filter.text().toLowerCase(Locale.ROOT)
                    .replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            sql.append(" AND (lower(coalesce(error, '')) LIKE ? ESCAPE '\\' OR lower(event_id) LIKE ? ESCAPE '\\')");
            args.add(pattern);
            args.add(pattern);
        }
        return sql.toString();
    }

    private static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            Object a = args.get(i);
            if (a instanceof String text) {
                ps.setString(i + 1, text);
            } else if (a instanceof Integer n) {
                ps.setInt(i + 1, n);
            } else {
                ps.setLong(i + 1, (Long) a);
            }
        }
    }

    @Override
    public long waiting() {
        return db.query("SELECT count(*) FROM dead_letters WHERE replayed_at IS NULL", ps -> { }, rs -> rs.getLong(1)).get(0);
    }

    @Override
    public CompletableFuture<Optional<Long>> replay(long deadLetterId) {
        List<Boolean> wholeBody = db.query("SELECT body IS NOT NULL FROM dead_letters WHERE id = ?",
                ps -> ps.setLong(1, deadLetterId), rs -> rs.getBoolean(1));
        if (wholeBody.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return wholeBody.get(0) ? replayBody(deadLetterId) : replayEvent(deadLetterId);
    }

    private CompletableFuture<Optional<Long>> replayEvent(long deadLetterId) {
        long now = db.clock().millis();
        return db.write(tx -> {
            PreparedStatement copy = tx.prepare("INSERT INTO events (event_id, lane, destination, payload, received_at, sent)"
                    + " SELECT event_id, lane, destination, payload, received_at, sent FROM dead_letters"
                    + " WHERE id = ? AND replayed_at IS NULL AND body IS NULL RETURNING seq");
            copy.setLong(1, deadLetterId);
            long seq;
            try (ResultSet rs = copy.executeQuery()) {
                if (!rs.next()) {
                    return Optional.<Long>empty();
                }
                seq = rs.getLong(1);
            }
            PreparedStatement mark = tx.prepare("UPDATE dead_letters SET replayed_at = ? WHERE id = ?");
            mark.setLong(1, now);
            mark.setLong(2, deadLetterId);
            mark.executeUpdate();
            return Optional.of(seq);
        });
    }

    /**
     * A whole body goes back into the inbox, written by the same writer as the appends so that inbox
     * sequence numbers stay in commit order; the mark comes first, so that two replays race for one row
     * lock and only one re-queues the body.
     */
    private CompletableFuture<Optional<Long>> replayBody(long deadLetterId) {
        long now = db.clock().millis();
        return db.writeGrouped(tx -> {
            PreparedStatement mark = tx.prepare("UPDATE dead_letters SET replayed_at = ? WHERE id = ?"
                    + " AND replayed_at IS NULL AND body IS NOT NULL RETURNING received_at, body");
            mark.setLong(1, now);
            mark.setLong(2, deadLetterId);
            long receivedAt;
            byte[] body;
            try (ResultSet rs = mark.executeQuery()) {
                if (!rs.next()) {
                    return Optional.<Long>empty();
                }
                receivedAt = rs.getLong(1);
                body = rs.getBytes(2);
            }
            PreparedStatement requeue = tx.prepare("INSERT INTO inbox (received_at, body) VALUES (?, ?) RETURNING seq");
            requeue.setLong(1, receivedAt);
            requeue.setBytes(2, body);
            try (ResultSet rs = requeue.executeQuery()) {
                rs.next();
                return Optional.of(rs.getLong(1));
            }
        });
    }

    @Override
    public Optional<Waiting> waiting(long deadLetterId) {
        return db.query("SELECT id, event_id, lane, destination, payload, received_at, body FROM dead_letters"
                + " WHERE id = ? AND replayed_at IS NULL", ps -> ps.setLong(1, deadLetterId),
                rs -> new Waiting(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        Instant.ofEpochMilli(rs.getLong(6)), rs.getBytes(7))).stream().findFirst();
    }

    @Override
    public CompletableFuture<Boolean> markReplayed(long deadLetterId) {
        long now = db.clock().millis();
        return db.update("UPDATE dead_letters SET replayed_at = ? WHERE id = ? AND replayed_at IS NULL", ps -> {
            ps.setLong(1, now);
            ps.setLong(2, deadLetterId);
        }).thenApply(n -> n > 0);
    }

    @Override
    public Optional<byte[]> body(long deadLetterId) {
        return db.query("SELECT body FROM dead_letters WHERE id = ? AND body IS NOT NULL",
                ps -> ps.setLong(1, deadLetterId), rs -> rs.getBytes(1)).stream().findFirst();
    }

    static void insert(GroupCommitWriter.Tx tx, String eventId, String lane, String destination, String payload,
                       byte[] body, long receivedAt, int attempts, String error, long now, String sent) throws SQLException {
        PreparedStatement ps = tx.prepare("INSERT INTO dead_letters (event_id, lane, destination, payload, body,"
                + " received_at, attempts, error, failed_at, sent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        ps.setString(1, eventId);
        ps.setString(2, lane);
        ps.setString(3, destination);
        ps.setString(4, payload);
        ps.setBytes(5, body);
        ps.setLong(6, receivedAt);
        ps.setInt(7, attempts);
        ps.setString(8, error);
        ps.setLong(9, now);
        ps.setString(10, sent);
        ps.executeUpdate();
    }
}
