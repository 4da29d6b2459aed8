package io.linegate.store.jdbc;

import io.linegate.store.Cluster;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The cluster of a store that one process uses: one partition, always held, nothing to fence. */
public final class SingleNodeCluster implements Cluster {
    private final Database db;

    public SingleNodeCluster(Database db) {
        this.db = db;
    }

    @Override
    public int partitions() {
        return 1;
    }

    @Override
    public String nodeId() {
        return "local";
    }

    @Override
    public boolean shared() {
        return false;
    }

    @Override
    public Assignment heartbeat(Set<Integer> release, Duration ttl) {
        return new Assignment(Set.of(0), 0, Instant.MAX);
    }

    @Override
    public boolean leaseSplitting(Duration ttl) {
        return true;
    }

    @Override
    public void leave() {
        // nothing is leased
    }

    @Override
    public List<Node> nodes() {
        return List.of(new Node(nodeId(), db.clock().instant(), Set.of(0)));
    }

    @Override
    public Snapshot snapshot() {
        long[] counts = db.query("SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM inbox)", ps -> {},
                rs -> new long[] {rs.getLong(1), rs.getLong(2)}).get(0);
        return new Snapshot(nodes(), counts[0] == 0 ? Map.of() : Map.of(0, counts[0]), counts[1]);
    }

    @Override
    public Map<Integer, Long> backlog() {
        long n = db.query("SELECT count(*) FROM events", ps -> {}, rs -> rs.getLong(1)).get(0);
        return n == 0 ? Map.of() : Map.of(0, n);
    }
}
