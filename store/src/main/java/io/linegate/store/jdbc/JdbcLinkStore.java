package io.linegate.store.jdbc;

import io.linegate.store.LinkStore;
import io.linegate.store.LinkStore.AuditEntry;
import io.linegate.store.LinkStore.Link;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@link LinkStore} in SQL. */
final class JdbcLinkStore implements LinkStore {
    private final Database db;

    JdbcLinkStore(Database db) {
        this.db = db;
    }

    @Override
    public void saveLinkNonce(String nonce, String memberId, Instant at) {
        db.update("INSERT INTO link_nonces (nonce, member_id, created_at) VALUES (?, ?, ?)", ps -> {
            ps.setString(1, nonce);
            ps.setString(2, memberId);
            ps.setLong(3, at.toEpochMilli());
        }).join();
    }

    @Override
    public Optional<String> useLinkNonce(String nonce, Instant notBefore, Instant now) {
        return db.write(tx -> {
            PreparedStatement use = tx.prepare("UPDATE link_nonces SET used_at = ? WHERE nonce = ? AND used_at IS NULL"
                    + " AND created_at >= ?");
            use.setLong(1, now.toEpochMilli());
            use.setString(2, nonce);
            use.setLong(3, notBefore.toEpochMilli());
            if (use.executeUpdate() == 0) {
                return Optional.<String>empty();
            }
            PreparedStatement read = tx.prepare("SELECT member_id FROM link_nonces WHERE nonce = ?");
            read.setString(1, nonce);
            try (ResultSet rs = read.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
            }
        }).join();
    }

    @Override
    public void link(String lineUserId, String memberId, String via, Instant at) {
        db.write(tx -> {
            PreparedStatement drop = tx.prepare("DELETE FROM account_links WHERE line_user_id = ? OR member_id = ?");
            drop.setString(1, lineUserId);
            drop.setString(2, memberId);
            drop.executeUpdate();
            PreparedStatement ins = tx.prepare("INSERT INTO account_links (line_user_id, member_id, via, linked_at)"
                    + " VALUES (?, ?, ?, ?)");
            ins.setString(1, lineUserId);
            ins.setString(2, memberId);
            ins.setString(3, via);
            ins.setLong(4, at.toEpochMilli());
            ins.executeUpdate();
            insertAudit(tx, "linked", lineUserId, memberId, "via " + via, at);
            return null;
        }).join();
    }

    @Override
    public boolean unlink(String lineUserId, String memberId, String requestedBy, Instant at) {
        return db.write(tx -> {
            PreparedStatement find = tx.prepare("SELECT line_user_id, member_id FROM account_links WHERE line_user_id = ?"
                    + " OR member_id = ?" + db.dialect().forUpdate());
            find.setString(1, lineUserId);
            find.setString(2, memberId);
            String user;
            String member;
            try (ResultSet rs = find.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                user = rs.getString(1);
                member = rs.getString(2);
            }
            PreparedStatement del = tx.prepare("DELETE FROM account_links WHERE line_user_id = ?");
            del.setString(1, user);
            del.executeUpdate();
            insertAudit(tx, "unlinked", user, member, "requested by " + requestedBy, at);
            return true;
        }).join();
    }

    private static final String LINK_COLUMNS = "line_user_id, member_id, via, linked_at";

    private static Link linkRow(ResultSet rs) throws SQLException {
        return new Link(rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)));
    }

    @Override
    public Optional<Link> linkOfUser(String lineUserId) {
        return db.query("SELECT " + LINK_COLUMNS + " FROM account_links WHERE line_user_id = ?",
                ps -> ps.setString(1, lineUserId), JdbcLinkStore::linkRow).stream().findFirst();
    }

    @Override
    public Optional<Link> linkOfMember(String memberId) {
        return db.query("SELECT " + LINK_COLUMNS + " FROM account_links WHERE member_id = ?",
                ps -> ps.setString(1, memberId), JdbcLinkStore::linkRow).stream().findFirst();
    }

    @Override
    public List<Link> links() {
        return db.query("SELECT " + LINK_COLUMNS + " FROM account_links ORDER BY linked_at", ps -> {}, JdbcLinkStore::linkRow);
    }

    @Override
    public void audit(String action, String lineUserId, String memberId, String detail, Instant at) {
        db.write(tx -> {
            insertAudit(tx, action, lineUserId, memberId, detail, at);
            return null;
        }).join();
    }

    private static void insertAudit(GroupCommitWriter.Tx tx, String action, String lineUserId, String memberId,
                                    String detail, Instant at) throws SQLException {
        PreparedStatement ps = tx.prepare("INSERT INTO link_audit (at, action, line_user_id, member_id, detail)"
                + " VALUES (?, ?, ?, ?, ?)");
        ps.setLong(1, at.toEpochMilli());
        ps.setString(2, action);
        ps.setString(3, lineUserId);
        ps.setString(4, memberId);
        ps.setString(5, detail);
        ps.executeUpdate();
    }

    @Override
    public List<AuditEntry> auditTrail(int limit) {
        return db.query("SELECT at, action, line_user_id, member_id, detail FROM link_audit ORDER BY id DESC LIMIT ?",
                ps -> ps.setInt(1, limit), rs -> new AuditEntry(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2),
                        rs.getString(3), rs.getString(4), rs.getString(5)));
    }

}
