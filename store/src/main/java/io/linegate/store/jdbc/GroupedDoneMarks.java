package io.linegate.store.jdbc;

import io.linegate.store.Cluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Done-marks without state changes on a server database, many to one transaction.
 *
 * <p>A handled event's done-mark is a delete of its row. One transaction each costs two round trips and a
 * WAL flush per event, which on a database a network away is most of what handling an event costs. Here,
 * done-marks that arrive while earlier ones are being written wait and go together in the next
 * transaction: one statement deletes them all (fenced by this node's partition leases when the store is
 * shared) and returns those it deleted; of the others, those still pending belong to a partition this
 * node no longer holds and fail alone with {@link Cluster.LeaseLostException}, the rest were done
 * elsewhere already. At most {@link #IN_FLIGHT} transactions run at once, so that done-marks never take
 * more than that many of the pool's connections. A failed transaction fails the done-marks it carried,
 * as each would have failed alone.
 */
final class GroupedDoneMarks {
    static final int IN_FLIGHT = 2;
    static final int MAX_GROUP = 1_000;

    private record Pending(long seq, CompletableFuture<Void> done) {
    }

    private final Database db;
    private final String fenceHolder;
    private final String delete;
    private List<Pending> waiting = new ArrayList<>();
    private int inFlight;

    GroupedDoneMarks(Database db, String fenceHolder) {
        this.db = db;
        this.fenceHolder = fenceHolder;
        this.delete = "DELETE FROM events WHERE seq = ANY (?)" + (fenceHolder == null ? ""
                : " AND EXISTS (SELECT 1 FROM partition_leases l WHERE l.part = events.part AND l.holder = ?"
                + " AND l.until > " + db.dialect().nowMillis() + ")") + " RETURNING seq";
    }

    CompletableFuture<Void> complete(long seq) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        List<Pending> group;
        synchronized (this) {
            waiting.add(new Pending(seq, done));
            group = take();
        }
        write(group);
        return done;
    }

    /** The next group to write if a transaction is free, else null. */
    private List<Pending> take() {
        if (inFlight >= IN_FLIGHT || waiting.isEmpty()) {
            return null;
        }
        inFlight++;
        List<Pending> group;
        if (waiting.size() <= MAX_GROUP) {
            group = waiting;
            waiting = new ArrayList<>();
        } else {
            group = new ArrayList<>(waiting.subList(0, MAX_GROUP));
            waiting = new ArrayList<>(waiting.subList(MAX_GROUP, waiting.size()));
        }
        return group;
    }

    private void write(List<Pending> group) {
        if (group == null) {
            return;
        }
        Long[] seqs = new Long[group.size()];
        for (int i = 0; i < seqs.length; i++) {
            seqs[i] = group.get(i).seq();
        }
        db.write(tx -> remove(tx, seqs)).whenComplete((lost, failure) -> {
            for (Pending p : group) {
                if (failure != null) {
                    p.done().completeExceptionally(failure);
                } else if (lost.contains(p.seq())) {
                    p.done().completeExceptionally(new Cluster.LeaseLostException(
                            "event " + p.seq() + " belongs to a partition this node no longer holds"));
                } else {
                    p.done().complete(null);
                }
            }
            List<Pending> next;
            synchronized (this) {
                inFlight--;
                next = take();
            }
            write(next);
        });
    }

    /** Deletes what this node may delete; returns the events left pending because their partition is not its own. */
    private Set<Long> remove(GroupCommitWriter.Tx tx, Long[] seqs) throws SQLException {
        Connection c = tx.connection();
        PreparedStatement ps = tx.prepare(delete);
        ps.setArray(1, c.createArrayOf("bigint", seqs));
        if (fenceHolder != null) {
            ps.setString(2, fenceHolder);
        }
        Set<Long> removed = new HashSet<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                removed.add(rs.getLong(1));
            }
        }
        if (fenceHolder == null || removed.size() == seqs.length) {
            return Set.of();
        }
        List<Long> missing = new ArrayList<>();
        for (Long seq : seqs) {
            if (!removed.contains(seq)) {
                missing.add(seq);
            }
        }
        PreparedStatement still = tx.prepare("SELECT seq FROM events WHERE seq = ANY (?)");
        still.setArray(1, c.createArrayOf("bigint", missing.toArray()));
        Set<Long> lost = new HashSet<>();
        try (ResultSet rs = still.executeQuery()) {
            while (rs.next()) {
                lost.add(rs.getLong(1));
            }
        }
        return lost;
    }
}
