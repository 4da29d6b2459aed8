package io.linegate.store.jdbc;

import io.linegate.store.DeadLetters;
import io.linegate.store.DeadLetters.DeadLetter;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The {@link DeadLetters} in SQL; the journal moves failed events here in its own transactions. */
final class JdbcDeadLetters implements DeadLetters {
    private final Database db;

    JdbcDeadLetters(Database db) {
        this.db = db;
    }

    @Override
    public List<DeadLetter> list(int limit) {
        return db.query("SELECT id, event_id, lane, payload, attempts, error, failed_at, replayed_at FROM dead_letters"
                        + " ORDER BY id DESC LIMIT ?",
                ps -> ps.setInt(1, limit),
                rs -> {
                    long replayed = rs.getLong(8);
                    Instant replayedAt = rs.wasNull() ? null : Instant.ofEpochMilli(replayed); // before any other getter
                    return new DeadLetter(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getInt(5), rs.getString(6), Instant.ofEpochMilli(rs.getLong(7)), replayedAt);
                });
    }

    @Override
    public long waiting() {
        return db.query("SELECT count(*) FROM dead_letters WHERE replayed_at IS NULL", ps -> { }, rs -> rs.getLong(1)).get(0);
    }

    @Override
    public CompletableFuture<Optional<Long>> replay(long deadLetterId) {
        long now = db.clock().millis();
        return db.write(tx -> {
            JdbcEventJournal.serializeEventInserts(db, tx);
            PreparedStatement copy = tx.prepare("INSERT INTO events (event_id, lane, destination, payload, received_at, sent)"
                    + " SELECT event_id, lane, destination, payload, received_at, sent FROM dead_letters"
                    + " WHERE id = ? AND replayed_at IS NULL RETURNING seq");
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

    static void insert(GroupCommitWriter.Tx tx, String eventId, String lane, String destination,
                                         String payload, long receivedAt, int attempts, String error, long now,
                                         String sent)
            throws SQLException {
        PreparedStatement ps = tx.prepare("INSERT INTO dead_letters (event_id, lane, destination, payload,"
                + " received_at, attempts, error, failed_at, sent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        ps.setString(1, eventId);
        ps.setString(2, lane);
        ps.setString(3, destination);
        ps.setString(4, payload);
        ps.setLong(5, receivedAt);
        ps.setInt(6, attempts);
        ps.setString(7, error);
        ps.setLong(8, now);
        ps.setString(9, sent);
        ps.executeUpdate();
    }
}
