package io.linegate.store.jdbc;

import io.linegate.store.ConversationStates;
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
}
