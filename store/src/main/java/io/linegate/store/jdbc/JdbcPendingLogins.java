package io.linegate.store.jdbc;

import io.linegate.store.PendingLogins;
import io.linegate.store.PendingLogins.PendingLogin;
import io.linegate.store.PendingLogins.Use;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;

/** The {@link PendingLogins} in SQL. */
final class JdbcPendingLogins implements PendingLogins {
    private final Database db;

    JdbcPendingLogins(Database db) {
        this.db = db;
    }

    @Override
    public void savePendingLogin(PendingLogin l) {
        db.update("INSERT INTO login_sessions (id, state, nonce, code_verifier, redirect_uri, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, l.sessionId());
            ps.setString(2, l.state());
            ps.setString(3, l.nonce());
            ps.setString(4, l.codeVerifier());
            ps.setString(5, l.redirectUri());
            ps.setLong(6, l.createdAt().toEpochMilli());
        }).join();
    }

    @Override
    public Use usePendingLogin(String sessionId, String state, Instant notBefore, Instant now) {
        return db.write(tx -> {
            PreparedStatement read = tx.prepare("SELECT state, nonce, code_verifier, redirect_uri, created_at, used_at"
                    + " FROM login_sessions WHERE id = ?" + db.dialect().forUpdate());
            read.setString(1, sessionId);
            PendingLogin login;
            boolean used;
            String expected;
            try (ResultSet rs = read.executeQuery()) {
                if (!rs.next()) {
                    return new Use(null, Use.Refusal.NO_SUCH_LOGIN);
                }
                expected = rs.getString(1);
                login = new PendingLogin(sessionId, expected, rs.getString(2), rs.getString(3), rs.getString(4),
                        Instant.ofEpochMilli(rs.getLong(5)));
                rs.getLong(6);
                used = !rs.wasNull();
            }
            // Constant-time: the state is a secret shared with the browser.
            if (state == null || !java.security.MessageDigest.isEqual(expected.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    state.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
                return new Use(null, Use.Refusal.STATE_MISMATCH);
            }
            if (used) {
                return new Use(null, Use.Refusal.ALREADY_USED);
            }
            PreparedStatement mark = tx.prepare("UPDATE login_sessions SET used_at = ? WHERE id = ?");
            mark.setLong(1, now.toEpochMilli());
            mark.setString(2, sessionId);
            mark.executeUpdate();
            return login.createdAt().isBefore(notBefore) ? new Use(null, Use.Refusal.EXPIRED) : new Use(login, null);
        }).join();
    }

    @Override
    public void forgetPendingLogins(Instant before) {
        db.update("DELETE FROM login_sessions WHERE created_at < ?", ps -> ps.setLong(1, before.toEpochMilli())).join();
    }

}
