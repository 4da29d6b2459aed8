package io.linegate.store.jdbc;

import io.linegate.store.EventJournal;
import io.linegate.store.EventJournal.InboxEntry;
import io.linegate.store.EventJournal.NewEvent;
import io.linegate.store.EventJournal.SplitResult;
import io.linegate.store.EventJournal.StoredEvent;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The {@link EventJournal} in SQL: the inbox (appended in groups), the split events and the dedupe table. */
final class JdbcEventJournal implements EventJournal {
    private final Database db;

    JdbcEventJournal(Database db) {
        this.db = db;
    }

    @Override
    public CompletableFuture<Void> append(byte[] body, Instant receivedAt) {
        // The hot path: one batched insert in the next group commit, nothing more.
        return db.writeGrouped(tx -> {
            PreparedStatement ps = tx.batch("INSERT INTO inbox (received_at, body) VALUES (?, ?)");
            ps.setLong(1, receivedAt.toEpochMilli());
            ps.setBytes(2, body);
            ps.addBatch();
            return null;
        });
    }

    @Override
    public List<InboxEntry> inbox(long afterSeq, int limit) {
        return db.query("SELECT seq, received_at, body FROM inbox WHERE seq > ? ORDER BY seq LIMIT ?",
                ps -> {
                    ps.setLong(1, afterSeq);
                    ps.setInt(2, limit);
                },
                rs -> new InboxEntry(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getBytes(3)));
    }

    @Override
    public CompletableFuture<SplitResult> split(List<Long> consumedInboxSeqs, List<NewEvent> events,
                                                List<NewEvent> unparseable) {
        long now = db.clock().millis();
        return db.write(tx -> {
            int accepted = 0;
            int duplicates = 0;
            PreparedStatement seen = tx.prepare("INSERT INTO seen_events (event_id, seen_at) VALUES (?, ?) ON CONFLICT DO NOTHING");
            PreparedStatement insert = tx.prepare(
                    "INSERT INTO events (event_id, lane, destination, payload, received_at) VALUES (?, ?, ?, ?, ?)");
            for (NewEvent e : events) {
                seen.setString(1, e.eventId());
                seen.setLong(2, now);
                if (seen.executeUpdate() == 0) {
                    duplicates++;
                    continue;
                }
                insert.setString(1, e.eventId());
                insert.setString(2, e.lane());
                insert.setString(3, e.destination());
                insert.setString(4, e.payload());
                insert.setLong(5, e.receivedAt().toEpochMilli());
                insert.executeUpdate();
                accepted++;
            }
            for (NewEvent e : unparseable) {
                JdbcDeadLetters.insert(tx, e.eventId(), e.lane(), e.destination(), e.payload(),
                        e.receivedAt().toEpochMilli(), 0, "the webhook body is not a valid webhook document", now);
            }
            PreparedStatement delete = tx.prepare("DELETE FROM inbox WHERE seq = ?");
            for (long seq : consumedInboxSeqs) {
                delete.setLong(1, seq);
                delete.executeUpdate();
            }
            return new SplitResult(accepted, duplicates, unparseable.size());
        });
    }

    @Override
    public List<StoredEvent> pending(long afterSeq, int limit) {
        return db.query("SELECT seq, event_id, lane, destination, payload, received_at, attempts FROM events"
                        + " WHERE seq > ? ORDER BY seq LIMIT ?",
                ps -> {
                    ps.setLong(1, afterSeq);
                    ps.setInt(2, limit);
                },
                rs -> new StoredEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), Instant.ofEpochMilli(rs.getLong(6)), rs.getInt(7)));
    }

    @Override
    public long pendingCount() {
        return db.query("SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM inbox)", ps -> {},
                rs -> rs.getLong(1)).get(0);
    }

    @Override
    public CompletableFuture<Void> complete(long seq, String lane, Map<String, String> stateChanges) {
        long now = db.clock().millis();
        return db.write(tx -> {
            PreparedStatement delete = tx.prepare("DELETE FROM events WHERE seq = ?");
            delete.setLong(1, seq);
            delete.executeUpdate();
            if (!stateChanges.isEmpty()) {
                PreparedStatement put = tx.prepare("INSERT INTO conversation_state (lane, key, value, updated_at)"
                        + " VALUES (?, ?, ?, ?) ON CONFLICT (lane, key) DO UPDATE SET value = excluded.value,"
                        + " updated_at = excluded.updated_at");
                PreparedStatement remove = tx.prepare("DELETE FROM conversation_state WHERE lane = ? AND key = ?");
                for (Map.Entry<String, String> change : stateChanges.entrySet()) {
                    if (change.getValue() == null) {
                        remove.setString(1, lane);
                        remove.setString(2, change.getKey());
                        remove.executeUpdate();
                    } else {
                        put.setString(1, lane);
                        put.setString(2, change.getKey());
                        put.setString(3, change.getValue());
                        put.setLong(4, now);
                        put.executeUpdate();
                    }
                }
            }
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> recordFailure(long seq, int attempts, String error) {
        return db.update("UPDATE events SET attempts = ?, last_error = ? WHERE seq = ?", ps -> {
            ps.setInt(1, attempts);
            ps.setString(2, error);
            ps.setLong(3, seq);
        }).thenApply(n -> null);
    }

    @Override
    public CompletableFuture<Void> deadLetter(long seq, int attempts, String error) {
        long now = db.clock().millis();
        return db.write(tx -> {
            PreparedStatement move = tx.prepare("INSERT INTO dead_letters (event_id, lane, destination, payload,"
                    + " received_at, attempts, error, failed_at) SELECT event_id, lane, destination, payload,"
                    + " received_at, ?, ?, ? FROM events WHERE seq = ?");
            move.setInt(1, attempts);
            move.setString(2, error);
            move.setLong(3, now);
            move.setLong(4, seq);
            move.executeUpdate();
            PreparedStatement delete = tx.prepare("DELETE FROM events WHERE seq = ?");
            delete.setLong(1, seq);
            delete.executeUpdate();
            return null;
        });
    }

    @Override
    public CompletableFuture<Integer> forgetSeenBefore(Instant before) {
        return db.update("DELETE FROM seen_events WHERE seen_at < ?", ps -> ps.setLong(1, before.toEpochMilli()));
    }

}
