package io.linegate.store.postgres;

import io.linegate.store.Cluster;
import io.linegate.store.jdbc.Database;
import io.linegate.store.jdbc.GroupCommitWriter;
import java.net.InetAddress;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nodes and partition leases in PostgreSQL. Every time here is the database server's, so the nodes'
 * clocks need not agree. A heartbeat is one transaction: renew this node and its leases, give back
 * what it releases, count the live nodes, and take free or expired partitions up to
 * {@code ceil(partitions / live nodes)}; two nodes taking the same partition at once are ordered by
 * its row lock and the second finds it taken.
 */
final class PostgresCluster implements Cluster {
    private static final Logger log = LoggerFactory.getLogger(PostgresCluster.class);
    private static final Duration LEAVE_WAIT = Duration.ofSeconds(3);
    /** Fixed: the {@code events.part} column is computed with it (migration V2). */
    static final int PARTITIONS = 64;
    private static final String SPLIT_LEASE = "dispatch-splitter";

    private final Database db;
    private final String nodeId;
    private final long startedAt;
    private long seenBySince = -1; // database time after which another node's heartbeat has surely counted this one
    private volatile double share = Double.NaN; // not a node until its first heartbeat

    PostgresCluster(Database db) {
        this.db = db;
        this.nodeId = host() + "/" + ProcessHandle.current().pid() + "/"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0x100000));
        this.startedAt = db.clock().millis();
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "node";
        }
    }

    @Override
    public int partitions() {
        return PARTITIONS;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public Assignment heartbeat(Set<Integer> release, Duration ttl) {
        return db.write(tx -> {
            long now;
            try (ResultSet rs = tx.prepare("SELECT " + db.dialect().nowMillis()).executeQuery()) {
                rs.next();
                now = rs.getLong(1);
            }
            long until = now + ttl.toMillis();
            // Rows are taken with SKIP LOCKED throughout: a row another session holds (a stalled node's open
            // transaction, an operator's psql) is left as it is, and its lease runs out, instead of this heartbeat
            // waiting on it while this node's other leases run out too.
            PreparedStatement node = tx.prepare("UPDATE cluster_nodes SET seen_at = ?, until = ? WHERE node_id ="
                    + " (SELECT node_id FROM cluster_nodes WHERE node_id = ? FOR UPDATE SKIP LOCKED)");
            node.setLong(1, now);
            node.setLong(2, until);
            node.setString(3, nodeId);
            if (node.executeUpdate() == 0) {
                PreparedStatement join = tx.prepare("INSERT INTO cluster_nodes (node_id, started_at, seen_at, until)"
                        + " VALUES (?, ?, ?, ?) ON CONFLICT (node_id) DO NOTHING");
                join.setString(1, nodeId);
                join.setLong(2, startedAt);
                join.setLong(3, now);
                join.setLong(4, until);
                join.executeUpdate(); // nothing when the row is there but held: membership is renewed next time
            }
            if (!release.isEmpty()) {
                PreparedStatement give = tx.prepare("DELETE FROM partition_leases WHERE part IN (SELECT part FROM"
                        + " partition_leases WHERE holder = ? AND part = ANY (?) FOR UPDATE SKIP LOCKED)");
                give.setString(1, nodeId);
                give.setArray(2, tx.connection().createArrayOf("integer", release.toArray()));
                give.executeUpdate();
            }
            // Renew only leases still ours: one that expired and was taken by another node stays theirs.
            PreparedStatement renew = tx.prepare("UPDATE partition_leases SET until = ? WHERE part IN (SELECT part FROM"
                    + " partition_leases WHERE holder = ? AND until > ? FOR UPDATE SKIP LOCKED)");
            renew.setLong(1, until);
            renew.setString(2, nodeId);
            renew.setLong(3, now);
            renew.executeUpdate();
            PreparedStatement forget = tx.prepare("DELETE FROM cluster_nodes WHERE until < ?");
            forget.setLong(1, now - Duration.ofHours(1).toMillis());
            forget.executeUpdate();
            int live;
            PreparedStatement count = tx.prepare("SELECT count(*) FROM cluster_nodes WHERE until > ?");
            count.setLong(1, now);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                live = Math.max(1, rs.getInt(1));
            }
            updateShare(tx, now, live);
            Set<Integer> held = held(tx, until); // renewed by this heartbeat: one left held elsewhere runs out
            int share = (PARTITIONS + live - 1) / live;
            if (held.size() < share) {
                PreparedStatement free = tx.prepare("SELECT p FROM generate_series(0, " + (PARTITIONS - 1) + ") AS p"
                        + " WHERE NOT EXISTS (SELECT 1 FROM partition_leases l WHERE l.part = p AND l.until > ?)"
                        + " ORDER BY random() LIMIT ?");
                free.setLong(1, now);
                free.setInt(2, share - held.size());
                List<Integer> candidates = new ArrayList<>();
                try (ResultSet rs = free.executeQuery()) {
                    while (rs.next()) {
                        candidates.add(rs.getInt(1));
                    }
                }
                PreparedStatement takeExpired = tx.prepare("UPDATE partition_leases SET holder = ?, until = ? WHERE part ="
                        + " (SELECT part FROM partition_leases WHERE part = ? AND until <= ? FOR UPDATE SKIP LOCKED)");
                PreparedStatement takeFree = tx.prepare("INSERT INTO partition_leases (part, holder, until) VALUES (?, ?, ?)"
                        + " ON CONFLICT (part) DO NOTHING");
                for (int p : candidates) {
                    takeExpired.setString(1, nodeId);
                    takeExpired.setLong(2, until);
                    takeExpired.setInt(3, p);
                    takeExpired.setLong(4, now);
                    boolean taken = takeExpired.executeUpdate() == 1;
                    if (!taken) {
                        takeFree.setInt(1, p);
                        takeFree.setString(2, nodeId);
                        takeFree.setLong(3, until);
                        taken = takeFree.executeUpdate() == 1;
                    }
                    if (taken) {
                        held.add(p);
                    }
                }
            }
            return new Assignment(Set.copyOf(held), Math.max(0, held.size() - share), Instant.ofEpochMilli(until));
        }).join();
    }

    /**
     * This node's rate-limit share: 1/live, except while some other live node has not had a heartbeat
     * since this node's row was surely committed (its second heartbeat began): that node still uses the
     * share it had before this one joined, so this one takes none yet.
     */
    private void updateShare(GroupCommitWriter.Tx tx, long now, int live) throws SQLException {
        if (seenBySince < 0) {
            // The first heartbeat: this node's row commits with it. Others may count it from the next one on.
            seenBySince = now;
            share = live == 1 ? 1.0 : 0.0;
            return;
        }
        PreparedStatement unaware = tx.prepare("SELECT count(*) FROM cluster_nodes WHERE until > ? AND node_id <> ?"
                + " AND seen_at <= ?");
        unaware.setLong(1, now);
        unaware.setString(2, nodeId);
        unaware.setLong(3, seenBySince);
        try (ResultSet rs = unaware.executeQuery()) {
            rs.next();
            share = rs.getInt(1) > 0 ? 0.0 : 1.0 / live;
        }
    }

    @Override
    public double share() {
        return share;
    }

    private Set<Integer> held(GroupCommitWriter.Tx tx, long until) throws SQLException {
        PreparedStatement mine = tx.prepare("SELECT part FROM partition_leases WHERE holder = ? AND until >= ?");
        mine.setString(1, nodeId);
        mine.setLong(2, until);
        Set<Integer> held = new HashSet<>();
        try (ResultSet rs = mine.executeQuery()) {
            while (rs.next()) {
                held.add(rs.getInt(1));
            }
        }
        return held;
    }

    @Override
    public boolean leaseSplitting(Duration ttl) {
        String now = db.dialect().nowMillis();
        return db.write(tx -> {
            // SKIP LOCKED: a lease row another session holds is not waited for (the pump calls this).
            PreparedStatement renew = tx.prepare("UPDATE leases SET holder = ?, until = " + now + " + ? WHERE name ="
                    + " (SELECT name FROM leases WHERE name = '" + SPLIT_LEASE + "' AND (until <= " + now
                    + " OR holder = ?) FOR UPDATE SKIP LOCKED)");
            renew.setString(1, nodeId);
            renew.setLong(2, ttl.toMillis());
            renew.setString(3, nodeId);
            if (renew.executeUpdate() == 1) {
                return true;
            }
            PreparedStatement first = tx.prepare("INSERT INTO leases (name, holder, until) VALUES ('" + SPLIT_LEASE
                    + "', ?, " + now + " + ?) ON CONFLICT (name) DO NOTHING");
            first.setString(1, nodeId);
            first.setLong(2, ttl.toMillis());
            if (first.executeUpdate() == 1) {
                return true;
            }
            // Not taken: held by a live node, or its row is held by a session that is not renewing it (a node
            // paused in a transaction). A plain read does not wait for the row: once the lease has run out and
            // still cannot be taken, every node splits (the order per conversation does not need one splitter).
            PreparedStatement lapsed = tx.prepare("SELECT until <= " + now + " FROM leases WHERE name = '"
                    + SPLIT_LEASE + "'");
            try (ResultSet rs = lapsed.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }).join();
    }

    @Override
    public void leave() {
        CompletableFuture<Void> left = db.write(tx -> {
            PreparedStatement split = tx.prepare("DELETE FROM leases WHERE name = (SELECT name FROM leases WHERE name = '"
                    + SPLIT_LEASE + "' AND holder = ? FOR UPDATE SKIP LOCKED)");
            split.setString(1, nodeId);
            split.executeUpdate();
            PreparedStatement leases = tx.prepare("DELETE FROM partition_leases WHERE holder = ?");
            leases.setString(1, nodeId);
            leases.executeUpdate();
            PreparedStatement node = tx.prepare("DELETE FROM cluster_nodes WHERE node_id = ?");
            node.setString(1, nodeId);
            node.executeUpdate();
            return null;
        });
        try {
            // A stop must not wait on a database that is going away (shut down before the application, unreachable):
            // leases this node could not give back run out by themselves after the lease time.
            left.get(LEAVE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("could not give this node's leases back within {} s (the store did not answer); the other nodes take"
                    + " its partitions when its leases run out", LEAVE_WAIT.toSeconds());
        } catch (ExecutionException e) {
            log.warn("could not give this node's leases back ({}); the other nodes take its partitions when its leases"
                    + " run out", e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public List<Node> nodes() {
        Map<String, Node> nodes = new LinkedHashMap<>();
        String now = db.dialect().nowMillis();
        db.query("SELECT n.node_id, n.seen_at, l.part FROM cluster_nodes n LEFT JOIN partition_leases l"
                        + " ON l.holder = n.node_id AND l.until > " + now + " WHERE n.until > " + now
                        + " ORDER BY n.started_at, n.node_id, l.part",
                ps -> {},
                rs -> {
                    String id = rs.getString(1);
                    Node n = nodes.computeIfAbsent(id, k -> {
                        try {
                            return new Node(k, Instant.ofEpochMilli(rs.getLong(2)), new TreeSet<>());
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    int part = rs.getInt(3);
                    if (!rs.wasNull()) {
                        n.partitions().add(part);
                    }
                    return null;
                });
        List<Node> out = new ArrayList<>();
        nodes.values().forEach(n -> out.add(new Node(n.id(), n.lastSeen(), Set.copyOf(n.partitions()))));
        return out;
    }

    @Override
    public Snapshot snapshot() {
        // One statement, so one snapshot of the database: the nodes, the backlog and the inbox agree.
        Map<String, Node> nodes = new LinkedHashMap<>();
        Map<Integer, Long> backlog = new LinkedHashMap<>();
        long[] unsplit = {0};
        String now = db.dialect().nowMillis();
        db.query("SELECT 0, n.node_id, n.seen_at, l.part, n.started_at FROM cluster_nodes n LEFT JOIN partition_leases l"
                        + " ON l.holder = n.node_id AND l.until > " + now + " WHERE n.until > " + now
                        + " UNION ALL SELECT 1, NULL, NULL, part, count(*) FROM events GROUP BY part"
                        + " UNION ALL SELECT 2, NULL, NULL, NULL, count(*) FROM inbox ORDER BY 1, 5, 2, 4",
                ps -> {},
                rs -> {
                    switch (rs.getInt(1)) {
                        case 0 -> {
                            Node n = nodes.computeIfAbsent(rs.getString(2), k -> new Node(k, null, new TreeSet<>()));
                            if (n.lastSeen() == null) {
                                n = new Node(n.id(), Instant.ofEpochMilli(rs.getLong(3)), n.partitions());
                                nodes.put(n.id(), n);
                            }
                            int part = rs.getInt(4);
                            if (!rs.wasNull()) {
                                n.partitions().add(part);
                            }
                        }
                        case 1 -> backlog.put(rs.getInt(4), rs.getLong(5));
                        default -> unsplit[0] = rs.getLong(5);
                    }
                    return null;
                });
        List<Node> out = new ArrayList<>();
        nodes.values().forEach(n -> out.add(new Node(n.id(), n.lastSeen(), Set.copyOf(n.partitions()))));
        return new Snapshot(out, backlog, unsplit[0]);
    }

    @Override
    public Map<Integer, Long> backlog() {
        Map<Integer, Long> out = new LinkedHashMap<>();
        db.query("SELECT part, count(*) FROM events GROUP BY part ORDER BY part", ps -> {},
                rs -> out.put(rs.getInt(1), rs.getLong(2)));
        return out;
    }
}
