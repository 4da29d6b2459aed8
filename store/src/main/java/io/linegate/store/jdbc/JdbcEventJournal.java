package io.linegate.store.jdbc;

import io.linegate.store.EventJournal;
import io.linegate.store.EventJournal.InboxEntry;
import io.linegate.store.EventJournal.NewEvent;
import io.linegate.store.EventJournal.Rejected;
import io.linegate.store.EventJournal.SplitResult;
import io.linegate.store.EventJournal.StoredEvent;
import io.linegate.store.Cluster;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** The {@link EventJournal} in SQL: the inbox (appended in groups), the split events and the dedupe table. */
final class JdbcEventJournal implements EventJournal {
    private final Database db;
    private final String fenceHolder; // this node's id when the store is shared: done-marks need its lease

    JdbcEventJournal(Database db, Cluster cluster) {
        this.db = db;
        this.fenceHolder = cluster.shared() ? cluster.nodeId() : null;
    }

    /** Runs first in a transaction that inserts events, so that their sequence numbers follow commit order. */
    static void serializeEventInserts(Database db, GroupCommitWriter.Tx tx) throws SQLException {
        String sql = db.dialect().serializeEventInserts();
        if (sql != null) {
            try (ResultSet ignored = tx.prepare(sql).executeQuery()) {
                // the lock is held until the transaction ends
            }
        }
    }

    @Override
    public boolean appendsWaiting() {
        return db.groupedWritesWaiting();
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
                                                List<Rejected> rejected) {
        long now = db.clock().millis();
        return db.write(tx -> {
            serializeEventInserts(db, tx);
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
            for (Rejected r : rejected) {
                JdbcDeadLetters.insert(tx, r.eventId(), r.lane(), r.destination(), r.payload(), r.body(),
                        r.receivedAt().toEpochMilli(), 0, r.reason(), now, null);
            }
            PreparedStatement delete = tx.prepare("DELETE FROM inbox WHERE seq = ?");
            for (long seq : consumedInboxSeqs) {
                delete.setLong(1, seq);
                delete.executeUpdate();
            }
            return new SplitResult(accepted, duplicates, rejected.size());
        });
    }

    private String pendingColumns() {
        return "SELECT seq, event_id, lane, destination, payload, received_at, attempts, " + db.dialect().partitionColumn()
                + ", sent FROM events";
    }

    private static StoredEvent storedEvent(ResultSet rs) throws SQLException {
        return new StoredEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), Instant.ofEpochMilli(rs.getLong(6)), rs.getInt(7), rs.getInt(8), rs.getString(9));
    }

    @Override
    public List<StoredEvent> pending(long afterSeq, int limit) {
        return db.query(pendingColumns() + " WHERE seq > ? ORDER BY seq LIMIT ?",
                ps -> {
                    ps.setLong(1, afterSeq);
                    ps.setInt(2, limit);
                },
                JdbcEventJournal::storedEvent);
    }

    @Override
    public List<StoredEvent> pending(Set<Integer> partitions, long afterSeq, int limit) {
        if (partitions.isEmpty()) {
            return List.of();
        }
        if (db.dialect() == Dialect.SQLITE) {
            return partitions.contains(0) ? pending(afterSeq, limit) : List.of(); // one partition
        }
        return db.query(pendingColumns() + " WHERE part = ANY (?) AND seq > ? ORDER BY seq LIMIT ?",
                ps -> {
                    ps.setArray(1, ps.getConnection().createArrayOf("integer", partitions.toArray()));
                    ps.setLong(2, afterSeq);
                    ps.setInt(3, limit);
                },
                JdbcEventJournal::storedEvent);
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
            try (ResultSet done = removeFenced(tx, seq, "")) {
                if (done == null) {
                    return null; // already done elsewhere: its state changes were committed then
                }
            }
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
    public CompletableFuture<Void> recordSent(long seq, String sent) {
        return db.update("UPDATE events SET sent = ? WHERE seq = ?", ps -> {
            ps.setString(1, sent);
            ps.setLong(2, seq);
        }).thenApply(n -> null);
    }

    @Override
    public CompletableFuture<Void> deadLetter(long seq, int attempts, String error) {
        long now = db.clock().millis();
        return db.write(tx -> {
            try (ResultSet gone = removeFenced(tx, seq, ", event_id, lane, destination, payload, received_at, sent")) {
                if (gone != null) {
                    JdbcDeadLetters.insert(tx, gone.getString(2), gone.getString(3), gone.getString(4), gone.getString(5),
                            null, gone.getLong(6), attempts, error, now, gone.getString(7));
                }
            }
            return null;
        });
    }

    /**
     * Deletes a pending event (only while this node holds its partition, when the store is shared)
     * and returns the deleted row ({@code seq} and then {@code columns}), positioned on it; null if
     * the event was gone already (done elsewhere). Throws {@link Cluster.LeaseLostException} if it is
     * still pending but no longer this node's.
     */
    private ResultSet removeFenced(GroupCommitWriter.Tx tx, long seq, String columns) throws SQLException {
        String fence = fenceHolder == null ? "" : " AND EXISTS (SELECT 1 FROM partition_leases l WHERE l.part = events.part"
                + " AND l.holder = ? AND l.until > " + db.dialect().nowMillis() + ")";
        PreparedStatement delete = tx.prepare("DELETE FROM events WHERE seq = ?" + fence + " RETURNING seq" + columns);
        delete.setLong(1, seq);
        if (fenceHolder != null) {
            delete.setString(2, fenceHolder);
        }
        ResultSet rs = delete.executeQuery();
        if (rs.next()) {
            return rs;
        }
        rs.close();
        if (fenceHolder != null) {
            PreparedStatement still = tx.prepare("SELECT 1 FROM events WHERE seq = ?");
            still.setLong(1, seq);
            try (ResultSet pending = still.executeQuery()) {
                if (pending.next()) {
                    throw new Cluster.LeaseLostException("event " + seq + " belongs to a partition this node no longer holds");
                }
            }
        }
        return null;
    }

    @Override
    public CompletableFuture<Integer> forgetSeenBefore(Instant before) {
        return db.update("DELETE FROM seen_events WHERE seen_at < ?", ps -> ps.setLong(1, before.toEpochMilli()));
    }

}
