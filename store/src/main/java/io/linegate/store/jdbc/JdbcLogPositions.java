package io.linegate.store.jdbc;

import io.linegate.store.Cluster;
import io.linegate.store.LogPositions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@link LogPositions} in SQL, in five tables created when missing (on SQLite and PostgreSQL alike):
 * {@code kafka_positions} (position and owner epoch per partition), {@code kafka_done} (finished offsets
 * at or above the position), {@code kafka_sent} (what unfinished events have sent), {@code kafka_attempts}
 * (how many times their handlers failed) and {@code kafka_seen} (finished event ids). Finishing writes the conversation state or the dead letter in
 * the same transaction.
 */
final class JdbcLogPositions implements LogPositions {
    private static final String[] TABLES = {
        "CREATE TABLE IF NOT EXISTS kafka_positions (topic TEXT NOT NULL, part INTEGER NOT NULL,"
                + " next_offset BIGINT NOT NULL, owner TEXT, epoch BIGINT NOT NULL, PRIMARY KEY (topic, part))",
        "CREATE TABLE IF NOT EXISTS kafka_done (topic TEXT NOT NULL, part INTEGER NOT NULL, off BIGINT NOT NULL,"
                + " PRIMARY KEY (topic, part, off))",
        "CREATE TABLE IF NOT EXISTS kafka_sent (topic TEXT NOT NULL, part INTEGER NOT NULL, off BIGINT NOT NULL,"
                + " sent TEXT NOT NULL, PRIMARY KEY (topic, part, off))",
        "CREATE TABLE IF NOT EXISTS kafka_attempts (topic TEXT NOT NULL, part INTEGER NOT NULL, off BIGINT NOT NULL,"
                + " attempts INTEGER NOT NULL, PRIMARY KEY (topic, part, off))",
        "CREATE TABLE IF NOT EXISTS kafka_seen (event_id TEXT PRIMARY KEY, seen_at BIGINT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS kafka_seen_at ON kafka_seen (seen_at)",
    };
    private static final int IN_CHUNK = 500;

    private final Database db;
    private final String topic;

    JdbcLogPositions(Database db, String topic) {
        this.db = db;
        this.topic = topic;
        createTables();
    }

    private void createTables() {
        db.write(tx -> {
            try (Statement s = tx.connection().createStatement()) {
                for (String ddl : TABLES) {
                    s.execute(ddl);
                }
            }
            return null;
        }).join();
    }

    @Override
    public CompletableFuture<Claim> claim(int partition, String owner) {
        return db.write(tx -> {
            PreparedStatement insert = tx.prepare("INSERT INTO kafka_positions (topic, part, next_offset, owner, epoch)"
                    + " VALUES (?, ?, 0, ?, 0) ON CONFLICT (topic, part) DO NOTHING");
            insert.setString(1, topic);
            insert.setInt(2, partition);
            insert.setString(3, owner);
            insert.executeUpdate();
            PreparedStatement take = tx.prepare("UPDATE kafka_positions SET epoch = epoch + 1, owner = ?"
                    + " WHERE topic = ? AND part = ?");
            take.setString(1, owner);
            take.setString(2, topic);
            take.setInt(3, partition);
            take.executeUpdate();
            PreparedStatement read = tx.prepare("SELECT next_offset, epoch FROM kafka_positions WHERE topic = ? AND part = ?");
            read.setString(1, topic);
            read.setInt(2, partition);
            long next;
            long epoch;
            try (ResultSet rs = read.executeQuery()) {
                rs.next();
                next = rs.getLong(1);
                epoch = rs.getLong(2);
            }
            Set<Long> done = new HashSet<>();
            eachRow(offsets(tx, "SELECT off FROM kafka_done WHERE topic = ? AND part = ? AND off >= ?", partition, next),
                    rs -> done.add(rs.getLong(1)));
            Map<Long, String> sent = new HashMap<>();
            eachRow(offsets(tx, "SELECT off, sent FROM kafka_sent WHERE topic = ? AND part = ? AND off >= ?", partition, next),
                    rs -> sent.put(rs.getLong(1), rs.getString(2)));
            Map<Long, Integer> attempts = new HashMap<>();
            eachRow(offsets(tx, "SELECT off, attempts FROM kafka_attempts WHERE topic = ? AND part = ? AND off >= ?", partition,
                    next), rs -> attempts.put(rs.getLong(1), rs.getInt(2)));
            return new Claim(next, epoch, done, sent, attempts);
        });
    }

    @Override
    public CompletableFuture<Void> finish(int partition, long epoch, long offset, long position, String eventId, Finish how) {
        long now = db.clock().millis();
        return db.write(tx -> {
            PreparedStatement fence = tx.prepare("UPDATE kafka_positions SET next_offset = CASE WHEN next_offset < ?"
                    + " THEN ? ELSE next_offset END WHERE topic = ? AND part = ? AND epoch = ?");
            fence.setLong(1, position);
            fence.setLong(2, position);
            fence.setString(3, topic);
            fence.setInt(4, partition);
            fence.setLong(5, epoch);
            if (fence.executeUpdate() == 0) {
                throw new Cluster.LeaseLostException("partition " + partition + " of " + topic
                        + " was taken by another node; event " + eventId + " is left to it");
            }
            if (how.deadLetter() == null) {
                JdbcConversationStates.apply(tx, how.lane(), how.stateChanges(), now);
            } else {
                putDeadLetter(tx, how.deadLetter(), now);
            }
            offsets(tx, "INSERT INTO kafka_done (topic, part, off) VALUES (?, ?, ?) ON CONFLICT (topic, part, off) DO NOTHING",
                    partition, offset).executeUpdate();
            offsets(tx, "DELETE FROM kafka_done WHERE topic = ? AND part = ? AND off < ?", partition, position).executeUpdate();
            offsets(tx, "DELETE FROM kafka_sent WHERE topic = ? AND part = ? AND off = ?", partition, offset).executeUpdate();
            offsets(tx, "DELETE FROM kafka_attempts WHERE topic = ? AND part = ? AND off = ?", partition, offset).executeUpdate();
            PreparedStatement seen = tx.prepare("INSERT INTO kafka_seen (event_id, seen_at) VALUES (?, ?)"
                    + " ON CONFLICT (event_id) DO NOTHING");
            seen.setString(1, eventId);
            seen.setLong(2, now);
            seen.executeUpdate();
            return null;
        });
    }

    @Override
    public Set<String> seenAmong(Collection<String> ids) {
        Set<String> seen = new HashSet<>();
        List<String> all = new ArrayList<>(ids);
        for (int from = 0; from < all.size(); from += IN_CHUNK) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + IN_CHUNK));
            String sql = "SELECT event_id FROM kafka_seen WHERE event_id IN (" + "?,".repeat(chunk.size() - 1) + "?)";
            seen.addAll(db.query(sql, ps -> {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 1, chunk.get(i));
                }
            }, rs -> rs.getString(1)));
        }
        return seen;
    }

    @Override
    public CompletableFuture<Void> recordSent(int partition, long offset, String sent) {
        return db.update("INSERT INTO kafka_sent (topic, part, off, sent) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (topic, part, off) DO UPDATE SET sent = excluded.sent", ps -> {
                    ps.setString(1, topic);
                    ps.setInt(2, partition);
                    ps.setLong(3, offset);
                    ps.setString(4, sent);
                }).thenApply(n -> null);
    }

    /** {@code sql} (its parameters: topic, partition, offset, in that order) prepared in {@code tx}, bound for this topic. */
    private PreparedStatement offsets(GroupCommitWriter.Tx tx, String sql, int partition, long offset) throws SQLException {
        PreparedStatement ps = tx.prepare(sql);
        ps.setString(1, topic);
        ps.setInt(2, partition);
        ps.setLong(3, offset);
        return ps;
    }

    /** A row of a result, read. */
    private interface Row {
        void read(ResultSet rs) throws SQLException;
    }

    private static void eachRow(PreparedStatement query, Row row) throws SQLException {
        try (ResultSet rs = query.executeQuery()) {
            while (rs.next()) {
                row.read(rs);
            }
        }
    }

    @Override
    public CompletableFuture<Void> recordAttempts(int partition, long epoch, long offset, int attempts) {
        // One statement, fenced: the row is written only while the partition's epoch is the caller's.
        return db.update("INSERT INTO kafka_attempts (topic, part, off, attempts) SELECT ?, ?, ?, ? WHERE EXISTS"
                + " (SELECT 1 FROM kafka_positions WHERE topic = ? AND part = ? AND epoch = ?)"
                + " ON CONFLICT (topic, part, off) DO UPDATE SET attempts = excluded.attempts", ps -> {
                    ps.setString(1, topic);
                    ps.setInt(2, partition);
                    ps.setLong(3, offset);
                    ps.setInt(4, attempts);
                    ps.setString(5, topic);
                    ps.setInt(6, partition);
                    ps.setLong(7, epoch);
                }).thenApply(n -> {
                    if (n == 0) {
                        throw new Cluster.LeaseLostException("partition " + partition + " of " + topic
                                + " was taken by another node; the attempts of the event at offset " + offset + " are left to it");
                    }
                    return null;
                });
    }

    @Override
    public CompletableFuture<Integer> forgetSeenBefore(Instant before) {
        return db.update("DELETE FROM kafka_seen WHERE seen_at < ?", ps -> ps.setLong(1, before.toEpochMilli()));
    }

    @Override
    public Map<Integer, Long> positions() {
        Map<Integer, Long> out = new HashMap<>();
        db.query("SELECT part, next_offset FROM kafka_positions WHERE topic = ?", ps -> ps.setString(1, topic),
                rs -> out.put(rs.getInt(1), rs.getLong(2)));
        return out;
    }

    @Override
    public Map<Integer, Standing> standing() {
        Map<Integer, Long> position = new HashMap<>();
        Map<Integer, String> owner = new HashMap<>();
        Map<Integer, Set<Long>> done = new HashMap<>();
        db.query("SELECT p.part, p.next_offset, p.owner, d.off FROM kafka_positions p LEFT JOIN kafka_done d"
                + " ON d.topic = p.topic AND d.part = p.part AND d.off >= p.next_offset WHERE p.topic = ?",
                ps -> ps.setString(1, topic), rs -> {
                    int part = rs.getInt(1);
                    position.put(part, rs.getLong(2));
                    owner.put(part, rs.getString(3));
                    Set<Long> offsets = done.computeIfAbsent(part, k -> new HashSet<>());
                    long off = rs.getLong(4);
                    if (!rs.wasNull()) {
                        offsets.add(off);
                    }
                    return null;
                });
        Map<Integer, Standing> out = new HashMap<>();
        position.forEach((part, next) -> out.put(part, new Standing(next, owner.get(part), Set.copyOf(done.get(part)))));
        return out;
    }

    private static void putDeadLetter(GroupCommitWriter.Tx tx, DeadLetter d, long now) throws SQLException {
        PreparedStatement insert = tx.prepare("INSERT INTO dead_letters (event_id, lane, destination, payload, received_at,"
                + " attempts, error, failed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        insert.setString(1, d.eventId());
        insert.setString(2, d.lane());
        insert.setString(3, d.destination());
        insert.setString(4, d.payload());
        insert.setLong(5, d.receivedAt().toEpochMilli());
        insert.setInt(6, d.attempts());
        insert.setString(7, d.error());
        insert.setLong(8, now);
        insert.executeUpdate();
    }
}
