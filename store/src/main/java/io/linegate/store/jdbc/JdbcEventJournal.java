package io.linegate.store.jdbc;

import io.linegate.store.EventJournal;
import io.linegate.store.EventJournal.BodiesHeldException;
import io.linegate.store.EventJournal.InboxEntry;
import io.linegate.store.EventJournal.NewEvent;
import io.linegate.store.EventJournal.Rejected;
import io.linegate.store.EventJournal.SplitResult;
import io.linegate.store.EventJournal.StoredEvent;
import io.linegate.store.Cluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** The {@link EventJournal} in SQL: the inbox (appended in groups), the split events and the dedupe table. */
final class JdbcEventJournal implements EventJournal {
    private static final int FORGET_CHUNK = 10_000;

    private final Database db;
    private final String fenceHolder; // this node's id when the store is shared: done-marks need its lease
    private final GroupedDoneMarks doneMarks; // null: done-marks go through the one writer, which groups them

    JdbcEventJournal(Database db, Cluster cluster) {
        this.db = db;
        this.fenceHolder = cluster.shared() ? cluster.nodeId() : null;
        this.doneMarks = db.dialect() == Dialect.POSTGRESQL ? new GroupedDoneMarks(db, fenceHolder) : null;
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
        return db.dialect() == Dialect.POSTGRESQL ? splitInFewStatements(consumedInboxSeqs, events, rejected)
                : splitOneByOne(consumedInboxSeqs, events, rejected);
    }

    /**
     * A split in four statements whatever its size (each a round trip to a database that may be a network
     * away): the consumed bodies, fenced by their count, the ids not seen yet, their events, the dead letters
     * (rare). The bodies are taken first and without waiting ({@code SKIP LOCKED}): a body another session
     * holds (another node splitting it right now, or a session paused in a transaction) makes the split fail
     * at once with {@link BodiesHeldException} instead of waiting for it, and the splitter goes on without it.
     */
    private CompletableFuture<SplitResult> splitInFewStatements(List<Long> consumedInboxSeqs, List<NewEvent> events,
                                                                List<Rejected> rejected) {
        long now = db.clock().millis();
        return db.write(tx -> {
            Connection c = tx.connection();
            if (!consumedInboxSeqs.isEmpty()) {
                takeBodies(tx, c, consumedInboxSeqs);
            }
            int accepted = 0;
            if (!events.isEmpty()) {
                String[] ids = new String[events.size()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = events.get(i).eventId();
                }
                PreparedStatement seen = tx.prepare("INSERT INTO seen_events (event_id, seen_at)"
                        + " SELECT DISTINCT unnest(?::text[]), ? ON CONFLICT DO NOTHING RETURNING event_id");
                seen.setArray(1, c.createArrayOf("text", ids));
                seen.setLong(2, now);
                Set<String> fresh = new HashSet<>();
                try (ResultSet rs = seen.executeQuery()) {
                    while (rs.next()) {
                        fresh.add(rs.getString(1));
                    }
                }
                List<NewEvent> kept = new ArrayList<>(fresh.size());
                for (NewEvent e : events) {
                    if (fresh.remove(e.eventId())) { // the first of one id in this batch
                        kept.add(e);
                    }
                }
                if (!kept.isEmpty()) {
                    int n = kept.size();
                    Object[] eventIds = new Object[n];
                    Object[] lanes = new Object[n];
                    Object[] destinations = new Object[n];
                    Object[] payloads = new Object[n];
                    Object[] received = new Object[n];
                    for (int i = 0; i < n; i++) {
                        NewEvent e = kept.get(i);
                        eventIds[i] = e.eventId();
                        lanes[i] = e.lane();
                        destinations[i] = e.destination();
                        payloads[i] = e.payload();
                        received[i] = e.receivedAt().toEpochMilli();
                    }
                    // Numbers are given in the order of the batch: one webhook's events keep their order.
                    PreparedStatement insert = tx.prepare("INSERT INTO events (event_id, lane, destination, payload,"
                            + " received_at) SELECT e, l, d, p, r FROM unnest(?::text[], ?::text[], ?::text[], ?::text[],"
                            + " ?::bigint[]) WITH ORDINALITY AS t(e, l, d, p, r, i) ORDER BY i");
                    insert.setArray(1, c.createArrayOf("text", eventIds));
                    insert.setArray(2, c.createArrayOf("text", lanes));
                    insert.setArray(3, c.createArrayOf("text", destinations));
                    insert.setArray(4, c.createArrayOf("text", payloads));
                    insert.setArray(5, c.createArrayOf("bigint", received));
                    insert.executeUpdate();
                    accepted = n;
                }
            }
            for (Rejected r : rejected) {
                JdbcDeadLetters.insert(tx, r.eventId(), r.lane(), r.destination(), r.payload(), r.body(),
                        r.receivedAt().toEpochMilli(), 0, r.reason(), now, null);
            }
            return new SplitResult(accepted, events.size() - accepted, rejected.size());
        });
    }

    /**
     * Removes the bodies being split, each only if no other session holds its row; fails, so that the split
     * rolls back, if one was split already ({@link Cluster.LeaseLostException}) or is held
     * ({@link BodiesHeldException}, naming the held ones).
     */
    private static void takeBodies(GroupCommitWriter.Tx tx, Connection c, List<Long> seqs) throws SQLException {
        PreparedStatement delete = tx.prepare("DELETE FROM inbox WHERE seq IN (SELECT seq FROM inbox WHERE seq = ANY (?)"
                + " FOR UPDATE SKIP LOCKED) RETURNING seq");
        delete.setArray(1, c.createArrayOf("bigint", seqs.toArray()));
        Set<Long> missing = new HashSet<>(seqs);
        try (ResultSet rs = delete.executeQuery()) {
            while (rs.next()) {
                missing.remove(rs.getLong(1));
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        // Not taken: either gone (split by another node) or still there and held (a plain read does not wait).
        PreparedStatement present = tx.prepare("SELECT seq FROM inbox WHERE seq = ANY (?)");
        present.setArray(1, c.createArrayOf("bigint", missing.toArray()));
        Set<Long> held = new HashSet<>();
        try (ResultSet rs = present.executeQuery()) {
            while (rs.next()) {
                held.add(rs.getLong(1));
            }
        }
        if (held.size() < missing.size()) {
            // Another node split some of these bodies: their events are stored already. This split rolls back.
            throw new Cluster.LeaseLostException((missing.size() - held.size())
                    + " of the webhook bodies being split were split by another node");
        }
        throw new BodiesHeldException(held);
    }

    /** A split on the embedded store: statements are calls into the same process, and one writer makes them take turns. */
    private CompletableFuture<SplitResult> splitOneByOne(List<Long> consumedInboxSeqs, List<NewEvent> events,
                                                         List<Rejected> rejected) {
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
            for (Rejected r : rejected) {
                JdbcDeadLetters.insert(tx, r.eventId(), r.lane(), r.destination(), r.payload(), r.body(),
                        r.receivedAt().toEpochMilli(), 0, r.reason(), now, null);
            }
            PreparedStatement delete = tx.prepare("DELETE FROM inbox WHERE seq = ?");
            for (long seq : consumedInboxSeqs) {
                delete.setLong(1, seq);
                if (delete.executeUpdate() == 0) {
                    throw new Cluster.LeaseLostException("webhook body " + seq + " was split already");
                }
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
    public Map<Integer, Long> pendingCounts(Set<Integer> partitions, long upToSeq) {
        Map<Integer, Long> out = new HashMap<>();
        if (partitions.isEmpty()) {
            return out;
        }
        if (db.dialect() == Dialect.SQLITE) {
            if (partitions.contains(0)) {
                db.query("SELECT count(*) FROM events WHERE seq <= ?", ps -> ps.setLong(1, upToSeq),
                        rs -> out.put(0, rs.getLong(1)));
                out.remove(0, 0L);
            }
            return out;
        }
        db.query("SELECT part, count(*) FROM events WHERE part = ANY (?) AND seq <= ? GROUP BY part",
                ps -> {
                    ps.setArray(1, ps.getConnection().createArrayOf("integer", partitions.toArray()));
                    ps.setLong(2, upToSeq);
                },
                rs -> out.put(rs.getInt(1), rs.getLong(2)));
        return out;
    }

    @Override
    public long pendingCount() {
        return db.query("SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM inbox)", ps -> {},
                rs -> rs.getLong(1)).get(0);
    }

    @Override
    public CompletableFuture<Void> complete(long seq, String lane, Map<String, String> stateChanges) {
        if (doneMarks != null && stateChanges.isEmpty()) {
            return doneMarks.complete(seq);
        }
        long now = db.clock().millis();
        return db.write(tx -> {
            if (fenceHolder == null) {
                // A store of this node's alone: no lease to check and nothing to read back, so no result set.
                PreparedStatement delete = tx.prepare("DELETE FROM events WHERE seq = ?");
                delete.setLong(1, seq);
                if (delete.executeUpdate() == 0) {
                    return null; // already done (a done-mark written twice): its state changes were committed then
                }
            } else {
                try (ResultSet done = removeFenced(tx, seq, "")) {
                    if (done == null) {
                        return null; // already done elsewhere: its state changes were committed then
                    }
                }
            }
            JdbcConversationStates.apply(tx, lane, stateChanges, now);
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
        // In chunks: each a short transaction, well inside the server's statement timeout (a day of a busy
        // bot's ids is millions of rows), and never a long hold on the writer.
        return forgetChunks(before.toEpochMilli(), 0);
    }

    private CompletableFuture<Integer> forgetChunks(long before, int sofar) {
        return db.update("DELETE FROM seen_events WHERE event_id IN (SELECT event_id FROM seen_events WHERE seen_at < ?"
                        + " LIMIT " + FORGET_CHUNK + ")", ps -> ps.setLong(1, before))
                .thenCompose(n -> n < FORGET_CHUNK ? CompletableFuture.completedFuture(sofar + n)
                        : forgetChunks(before, sofar + n));
    }

}
