package io.linegate.store.jdbc;

import io.linegate.store.PendingLogins;
import io.linegate.store.PendingLogins.PendingLogin;
import io.linegate.store.PendingLogins.Use;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;

/** The {@link PendingLogins} in SQL: one row per login; the check and the use share one write transaction, the row locked. */
final class JdbcPendingLogins implements PendingLogins {
    private final Database db;

    JdbcPendingLogins(Database db) {
        this.db = db;
    }

    @Override
    public void savePendingLogin(PendingLogin l) {
        db.update("INSERT INTO pending_logins (id_hash, state_hash, nonce, code_verifier, redirect_uri, link_member_id,"
                + " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, l.idHash());
            ps.setString(2, l.stateHash());
            ps.setString(3, l.nonce());
            ps.setString(4, l.codeVerifier());
            ps.setString(5, l.redirectUri());
            ps.setString(6, l.linkMemberId());
            ps.setLong(7, l.createdAt().toEpochMilli());
            ps.setLong(8, l.expiresAt().toEpochMilli());
        }).join();
    }

    @Override
    public Use usePendingLogin(String idHash, String stateHash, Instant now) {
        return db.write(tx -> {
            PreparedStatement read = tx.prepare("SELECT state_hash, nonce, code_verifier, redirect_uri, link_member_id,"
                    + " created_at, expires_at, used_at FROM pending_logins WHERE id_hash = ?" + db.dialect().forUpdate());
            read.setString(1, idHash);
            PendingLogin login;
            boolean used;
            try (ResultSet rs = read.executeQuery()) {
                if (!rs.next()) {
                    return new Use(null, Use.Refusal.NO_SUCH_LOGIN);
                }
                login = new PendingLogin(idHash, rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), Instant.ofEpochMilli(rs.getLong(6)), Instant.ofEpochMilli(rs.getLong(7)));
                rs.getLong(8);
                used = !rs.wasNull();
            }
            if (stateHash == null || !MessageDigest.isEqual(login.stateHash().getBytes(StandardCharsets.UTF_8),
                    stateHash.getBytes(StandardCharsets.UTF_8))) {
                return new Use(null, Use.Refusal.STATE_MISMATCH);
            }
            if (used) {
                return new Use(null, Use.Refusal.ALREADY_USED);
            }
            PreparedStatement mark = tx.prepare("UPDATE pending_logins SET used_at = ? WHERE id_hash = ?");
            mark.setLong(1, now.toEpochMilli());
            mark.setString(2, idHash);
            mark.executeUpdate();
            return now.isBefore(login.expiresAt()) ? new Use(login, null) : new Use(null, Use.Refusal.EXPIRED);
        }).join();
    }

    @Override
    public int purgeExpired(Instant now) {
        return db.update("DELETE FROM pending_logins WHERE expires_at <= ?", ps -> ps.setLong(1, now.toEpochMilli())).join();
    }

    @Override
    public int evictOldestAnonymous(int keep) {
        if (keep < 0) {
            throw new IllegalArgumentException("keep must not be negative");
        }
        // The newest `keep` stay; the rest go (LIMIT before OFFSET: SQLite needs one, PostgreSQL takes it).
        return db.update("DELETE FROM pending_logins WHERE id_hash IN (SELECT id_hash FROM pending_logins"
                + " WHERE link_member_id IS NULL AND used_at IS NULL ORDER BY expires_at DESC, id_hash LIMIT "
                + Integer.MAX_VALUE + " OFFSET ?)", ps -> ps.setInt(1, keep)).join();
    }
}
