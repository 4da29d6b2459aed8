package io.linegate.store.jdbc;

import io.linegate.store.ConversationStates;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/** The {@link ConversationStates} in SQL; {@link JdbcEventJournal#complete} writes them. */
final class JdbcConversationStates implements ConversationStates {
    private final Database db;

    JdbcConversationStates(Database db) {
        this.db = db;
    }

    @Override
    public Map<String, String> state(String lane) {
        Map<String, String> out = new HashMap<>();
        db.query("SELECT key, value FROM conversation_state WHERE lane = ?", ps -> ps.setString(1, lane),
                rs -> out.put(rs.getString(1), rs.getString(2)));
        return out;
    }

    /**
     * Applies a handler's state changes to one conversation inside the caller's transaction (the
     * done-mark's): a {@code null} value removes the key.
     */
    static void apply(GroupCommitWriter.Tx tx, String lane, Map<String, String> changes, long now) throws SQLException {
        if (changes.isEmpty()) {
            return;
        }
        PreparedStatement put = tx.prepare("INSERT INTO conversation_state (lane, key, value, updated_at)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (lane, key) DO UPDATE SET value = excluded.value,"
                + " updated_at = excluded.updated_at");
        PreparedStatement remove = tx.prepare("DELETE FROM conversation_state WHERE lane = ? AND key = ?");
        for (Map.Entry<String, String> change : changes.entrySet()) {
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
}
