package io.linegate.store.jdbc;

import io.linegate.store.OperatorControls;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The {@link OperatorControls} in SQL. */
final class JdbcOperatorControls implements OperatorControls {
    private final Database db;

    JdbcOperatorControls(Database db) {
        this.db = db;
    }

    @Override
    public Set<String> controls(String kind) {
        return new HashSet<>(db.query("SELECT subject FROM operator_controls WHERE kind = ?",
                ps -> ps.setString(1, kind), rs -> rs.getString(1)));
    }

    @Override
    public void setControl(String kind, String subject, boolean on) {
        long now = db.clock().millis();
        db.update(on ? "INSERT INTO operator_controls (kind, subject, updated_at) VALUES (?, ?, ?)"
                + " ON CONFLICT (kind, subject) DO UPDATE SET updated_at = excluded.updated_at"
                : "DELETE FROM operator_controls WHERE kind = ? AND subject = ?", ps -> {
            ps.setString(1, kind);
            ps.setString(2, subject);
            if (on) {
                ps.setLong(3, now);
            }
        }).join();
    }

    @Override
    public void audit(String actor, String action, String subject, String detail) {
        long now = db.clock().millis();
        db.update("INSERT INTO operator_audit (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)", ps -> {
            ps.setLong(1, now);
            ps.setString(2, actor);
            ps.setString(3, action);
            ps.setString(4, subject);
            ps.setString(5, detail);
        }).join();
    }

    @Override
    public List<AuditEntry> auditTrail(int limit) {
        return db.query("SELECT id, at, actor, action, subject, detail FROM operator_audit ORDER BY id DESC LIMIT ?",
                ps -> ps.setInt(1, limit), rs -> new AuditEntry(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)),
                        rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6)));
    }
}
