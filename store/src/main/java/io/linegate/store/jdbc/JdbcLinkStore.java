package io.linegate.store.jdbc;

import io.linegate.store.LinkStore;
import io.linegate.store.LinkStore.AuditEntry;
import io.linegate.store.LinkStore.Link;
import io.linegate.store.LinkStore.LinkNonce;
import io.linegate.store.LinkStore.LinkResult;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@link LinkStore} in SQL: each check and the change it guards share one write transaction,
 * and rows read for a change are locked ({@link Dialect#forUpdate()}).
 */
final class JdbcLinkStore implements LinkStore {
    private final Database db;

    JdbcLinkStore(Database db) {
        this.db = db;
    }

    @Override
    public void recordLinkToken(String tokenHash, String lineUserId, Instant issuedAt, Instant expiresAt) {
        db.update("INSERT INTO link_tokens (token_hash, line_user_id, issued_at, expires_at) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (token_hash) DO UPDATE SET line_user_id = excluded.line_user_id, issued_at = excluded.issued_at,"
                + " expires_at = excluded.expires_at", ps -> {
            ps.setString(1, tokenHash);
            ps.setString(2, lineUserId);
            ps.setLong(3, issuedAt.toEpochMilli());
            ps.setLong(4, expiresAt.toEpochMilli());
        }).join();
    }

    @Override
    public Optional<String> linkTokenUser(String tokenHash, Instant now) {
        return db.query("SELECT line_user_id FROM link_tokens WHERE token_hash = ? AND expires_at > ?", ps -> {
            ps.setString(1, tokenHash);
            ps.setLong(2, now.toEpochMilli());
        }, rs -> rs.getString(1)).stream().findFirst();
    }

    @Override
    public void saveLinkNonce(LinkNonce n) {
        db.update("INSERT INTO link_nonces (nonce_hash, member_id, link_token_hash, line_user_id, may_replace, created_at,"
                + " expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, n.nonceHash());
            ps.setString(2, n.memberId());
            ps.setString(3, n.linkTokenHash());
            ps.setString(4, n.lineUserId());
            ps.setInt(5, n.mayReplace() ? 1 : 0);
            ps.setLong(6, n.createdAt().toEpochMilli());
            ps.setLong(7, n.expiresAt().toEpochMilli());
        }).join();
    }

    @Override
    public Optional<LinkNonce> useLinkNonce(String nonceHash, Instant now) {
        return db.write(tx -> {
            PreparedStatement use = tx.prepare("UPDATE link_nonces SET used_at = ? WHERE nonce_hash = ? AND used_at IS NULL"
                    + " AND expires_at > ?");
            use.setLong(1, now.toEpochMilli());
            use.setString(2, nonceHash);
            use.setLong(3, now.toEpochMilli());
            if (use.executeUpdate() == 0) {
                return Optional.<LinkNonce>empty();
            }
            PreparedStatement read = tx.prepare("SELECT member_id, link_token_hash, line_user_id, may_replace, created_at,"
                    + " expires_at FROM link_nonces WHERE nonce_hash = ?");
            read.setString(1, nonceHash);
            try (ResultSet rs = read.executeQuery()) {
                return rs.next() ? Optional.of(new LinkNonce(nonceHash, rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getInt(4) == 1, Instant.ofEpochMilli(rs.getLong(5)), Instant.ofEpochMilli(rs.getLong(6))))
                        : Optional.<LinkNonce>empty();
            }
        }).join();
    }

    @Override
    public LinkResult link(String lineUserId, String memberId, String via, boolean replace, Instant at) {
        return db.write(tx -> {
            PreparedStatement find = tx.prepare("SELECT " + LINK_COLUMNS + " FROM account_links WHERE line_user_id = ?"
                    + " OR member_id = ?" + db.dialect().forUpdate());
            find.setString(1, lineUserId);
            find.setString(2, memberId);
            List<Link> existing = new ArrayList<>();
            try (ResultSet rs = find.executeQuery()) {
                while (rs.next()) {
                    existing.add(linkRow(rs));
                }
            }
            if (existing.size() == 1 && existing.get(0).lineUserId().equals(lineUserId)
                    && existing.get(0).memberId().equals(memberId)) {
                return new LinkResult(LinkResult.Outcome.ALREADY_LINKED, List.of());
            }
            if (!existing.isEmpty() && !replace) {
                insertAudit(tx, "refused", lineUserId, memberId, "via " + via + ": would replace " + describe(existing)
                        + " without the member's confirmation", at);
                return new LinkResult(LinkResult.Outcome.WOULD_REPLACE, List.copyOf(existing));
            }
            for (Link old : existing) {
                PreparedStatement del = tx.prepare("DELETE FROM account_links WHERE line_user_id = ?");
                del.setString(1, old.lineUserId());
                del.executeUpdate();
                insertAudit(tx, "replaced", old.lineUserId(), old.memberId(), "replaced by " + lineUserId + " -> " + memberId
                        + " via " + via + ", confirmed by the member", at);
            }
            // A link another transaction inserted meanwhile (no row to lock before) is not replaced either.
            PreparedStatement ins = tx.prepare("INSERT INTO account_links (line_user_id, member_id, via, linked_at)"
                    + " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
            ins.setString(1, lineUserId);
            ins.setString(2, memberId);
            ins.setString(3, via);
            ins.setLong(4, at.toEpochMilli());
            if (ins.executeUpdate() == 0) {
                insertAudit(tx, "refused", lineUserId, memberId, "via " + via + ": linked to someone else meanwhile", at);
                return new LinkResult(LinkResult.Outcome.WOULD_REPLACE, List.of());
            }
            insertAudit(tx, "linked", lineUserId, memberId, "via " + via, at);
            return new LinkResult(existing.isEmpty() ? LinkResult.Outcome.LINKED : LinkResult.Outcome.REPLACED,
                    List.copyOf(existing));
        }).join();
    }

    private static String describe(List<Link> links) {
        StringBuilder b = new StringBuilder();
        for (Link l : links) {
            b.append(b.length() == 0 ? "" : " and ").append(l.lineUserId()).append(" -> ").append(l.memberId());
        }
        return b.toString();
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
    public int purgeExpired(Instant now) {
        return db.write(tx -> {
            int n = 0;
            for (String table : List.of("link_nonces", "link_tokens")) {
                PreparedStatement ps = tx.prepare("DELETE FROM " + table + " WHERE expires_at <= ?");
                ps.setLong(1, now.toEpochMilli());
                n += ps.executeUpdate();
            }
            return n;
        }).join();
    }

    @Override
    public List<AuditEntry> auditTrail(int limit) {
        return db.query("SELECT at, action, line_user_id, member_id, detail FROM link_audit ORDER BY id DESC LIMIT ?",
                ps -> ps.setInt(1, limit), rs -> new AuditEntry(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2),
                        rs.getString(3), rs.getString(4), rs.getString(5)));
    }

}
