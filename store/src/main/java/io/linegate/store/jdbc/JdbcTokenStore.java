package io.linegate.store.jdbc;

import io.linegate.store.TokenStore;
import io.linegate.store.TokenStore.StoredToken;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@link TokenStore} in SQL; the lease is one row changed by one conditional statement. */
final class JdbcTokenStore implements TokenStore {
    private final Database db;

    JdbcTokenStore(Database db) {
        this.db = db;
    }

    private static final String TOKEN_COLUMNS =
            "id, channel_id, kind, token, key_id, issued_at, expires_at, superseded_at";

    private static StoredToken token(ResultSet rs) throws SQLException {
        long superseded = rs.getLong(8);
        Instant supersededAt = rs.wasNull() ? null : Instant.ofEpochMilli(superseded);
        return new StoredToken(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                Instant.ofEpochMilli(rs.getLong(6)), Instant.ofEpochMilli(rs.getLong(7)), supersededAt);
    }

    @Override
    public Optional<StoredToken> newest(String channelId, String kind, Instant at) {
        return db.query("SELECT " + TOKEN_COLUMNS + " FROM channel_tokens WHERE channel_id = ? AND kind = ?"
                        + " AND revoked_at IS NULL AND expires_at > ? ORDER BY id DESC LIMIT 1",
                ps -> {
                    ps.setString(1, channelId);
                    ps.setString(2, kind);
                    ps.setLong(3, at.toEpochMilli());
                }, JdbcTokenStore::token).stream().findFirst();
    }

    @Override
    public StoredToken saveIssued(String channelId, String kind, String token, String keyId, Instant issuedAt,
                                  Instant expiresAt) {
        return db.write(tx -> {
            PreparedStatement supersede = tx.prepare("UPDATE channel_tokens SET superseded_at = ? WHERE channel_id = ?"
                    + " AND kind = ? AND superseded_at IS NULL");
            supersede.setLong(1, issuedAt.toEpochMilli());
            supersede.setString(2, channelId);
            supersede.setString(3, kind);
            supersede.executeUpdate();
            PreparedStatement insert = tx.prepare("INSERT INTO channel_tokens (channel_id, kind, token, key_id,"
                    + " issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
            insert.setString(1, channelId);
            insert.setString(2, kind);
            insert.setString(3, token);
            insert.setString(4, keyId);
            insert.setLong(5, issuedAt.toEpochMilli());
            insert.setLong(6, expiresAt.toEpochMilli());
            return new StoredToken(Database.returningId(insert), channelId, kind, token, keyId, issuedAt, expiresAt, null);
        }).join();
    }

    @Override
    public List<StoredToken> toRevoke(String channelId, String kind, Instant before) {
        return db.query("SELECT " + TOKEN_COLUMNS + " FROM channel_tokens WHERE channel_id = ? AND kind = ?"
                        + " AND revoked_at IS NULL AND (superseded_at < ? OR expires_at <= ?) ORDER BY id",
                ps -> {
                    ps.setString(1, channelId);
                    ps.setString(2, kind);
                    ps.setLong(3, before.toEpochMilli());
                    ps.setLong(4, before.toEpochMilli());
                }, JdbcTokenStore::token);
    }

    @Override
    public List<StoredToken> live(String channelId, String kind, Instant at) {
        return db.query("SELECT " + TOKEN_COLUMNS + " FROM channel_tokens WHERE channel_id = ? AND kind = ?"
                        + " AND revoked_at IS NULL AND expires_at > ? ORDER BY id",
                ps -> {
                    ps.setString(1, channelId);
                    ps.setString(2, kind);
                    ps.setLong(3, at.toEpochMilli());
                }, JdbcTokenStore::token);
    }

    @Override
    public void markRevoked(long id, Instant at) {
        db.update("UPDATE channel_tokens SET revoked_at = ? WHERE id = ?", ps -> {
            ps.setLong(1, at.toEpochMilli());
            ps.setLong(2, id);
        }).join();
    }

    @Override
    public boolean tryLease(String name, String holder, Instant now, Duration ttl) {
        // Take a free or expired lease, or renew our own, in one statement.
        return db.update("INSERT INTO leases (name, holder, until) VALUES (?, ?, ?)"
                + " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until"
                + " WHERE leases.until <= ? OR leases.holder = excluded.holder", ps -> {
            ps.setString(1, name);
            ps.setString(2, holder);
            ps.setLong(3, now.plus(ttl).toEpochMilli());
            ps.setLong(4, now.toEpochMilli());
        }).join() == 1;
    }

    @Override
    public void releaseLease(String name, String holder) {
        db.update("DELETE FROM leases WHERE name = ? AND holder = ?", ps -> {
            ps.setString(1, name);
            ps.setString(2, holder);
        }).join();
    }

}
