package io.linegate.store.jdbc;

import io.linegate.store.OperatorControls;
import java.util.HashSet;
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

}
