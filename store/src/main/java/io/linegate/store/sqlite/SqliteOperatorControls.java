package io.linegate.store.sqlite;

import io.linegate.store.OperatorControls;
import java.util.HashSet;
import java.util.Set;

/** The {@link OperatorControls} on SQLite. */
final class SqliteOperatorControls implements OperatorControls {
    private final SqliteDatabase db;

    SqliteOperatorControls(SqliteDatabase db) {
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
        db.update(on ? "INSERT OR REPLACE INTO operator_controls (kind, subject, updated_at) VALUES (?, ?, ?)"
                : "DELETE FROM operator_controls WHERE kind = ? AND subject = ?", ps -> {
            ps.setString(1, kind);
            ps.setString(2, subject);
            if (on) {
                ps.setLong(3, now);
            }
        }).join();
    }

}
