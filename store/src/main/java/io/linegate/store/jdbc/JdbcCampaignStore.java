package io.linegate.store.jdbc;

import io.linegate.store.CampaignStore;
import io.linegate.store.CampaignStore.Batch;
import io.linegate.store.CampaignStore.Campaign;
import io.linegate.store.CampaignStore.NewBatch;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The {@link CampaignStore} in SQL. */
final class JdbcCampaignStore implements CampaignStore {
    private final Database db;

    JdbcCampaignStore(Database db) {
        this.db = db;
    }

    @Override
    public long createCampaign(String name, String mode, Long audienceGroupId, String messagesJson,
                               double recipientsPerSecond, Instant startsAt, List<NewBatch> batches, Instant now) {
        return db.write(tx -> {
            PreparedStatement c = tx.prepare("INSERT INTO campaigns (name, messages, recipients_per_sec, starts_at,"
                    + " state, created_at, mode, audience_group_id) VALUES (?, ?, ?, ?, 'running', ?, ?, ?) RETURNING id");
            c.setString(1, name);
            c.setString(2, messagesJson);
            c.setDouble(3, recipientsPerSecond);
            c.setLong(4, startsAt.toEpochMilli());
            c.setLong(5, now.toEpochMilli());
            c.setString(6, mode);
            if (audienceGroupId == null) {
                c.setNull(7, Types.BIGINT);
            } else {
                c.setLong(7, audienceGroupId);
            }
            long id = Database.returningId(c);
            PreparedStatement b = tx.batch("INSERT INTO campaign_batches (campaign_id, batch_no, recipients, size,"
                    + " retry_key, state) VALUES (?, ?, ?, ?, ?, 'pending')");
            int no = 0;
            for (NewBatch batch : batches) {
                b.setLong(1, id);
                b.setInt(2, no++);
                b.setString(3, String.join("\n", batch.recipients()));
                b.setInt(4, batch.recipients().size());
                b.setString(5, batch.retryKey());
                b.addBatch();
            }
            return id;
        }).join();
    }

    /** Campaigns with their progress counted from the batch index (no recipients are read). */
    static String campaignQuery(Dialect dialect) {
        return "SELECT c.id, c.name, c.messages, c.recipients_per_sec, c.starts_at,"
                + " c.state, c.detail, count(b.batch_no), coalesce(sum(CASE WHEN b.state = 'sent' THEN 1 ELSE 0 END), 0),"
                + " coalesce(sum(CASE WHEN b.state = 'failed' THEN 1 ELSE 0 END), 0),"
                + " coalesce(sum(b.size), 0), coalesce(sum(CASE WHEN b.state = 'sent' THEN b.size ELSE 0 END), 0),"
                + " c.mode, c.audience_group_id FROM campaigns c"
                // Without statistics SQLite walks the primary key, reading every batch's recipients.
                + " LEFT JOIN campaign_batches b" + dialect.indexedBy("campaign_batches_by_state") + " ON b.campaign_id = c.id";
    }

    private static Campaign campaign(ResultSet rs) throws SQLException {
        return new Campaign(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getDouble(4),
                Instant.ofEpochMilli(rs.getLong(5)), rs.getString(6), rs.getString(7), rs.getInt(8), rs.getInt(9),
                rs.getInt(10), rs.getLong(11), rs.getLong(12), rs.getString(13), audience(rs));
    }

    private static Long audience(ResultSet rs) throws SQLException {
        long v = rs.getLong(14);
        return rs.wasNull() ? null : v;
    }

    @Override
    public Optional<String> acceptedRequestId(long campaignId, int batchNo) {
        return db.query("SELECT coalesce(accepted_request_id, request_id) FROM campaign_batches WHERE campaign_id = ?"
                        + " AND batch_no = ? AND state = 'sent'",
                ps -> {
                    ps.setLong(1, campaignId);
                    ps.setInt(2, batchNo);
                }, rs -> rs.getString(1)).stream().filter(Objects::nonNull).findFirst();
    }

    @Override
    public List<Campaign> campaigns() {
        return db.query(campaignQuery(db.dialect()) + " GROUP BY c.id ORDER BY c.id", ps -> {}, JdbcCampaignStore::campaign);
    }

    @Override
    public Optional<Campaign> campaign(long id) {
        return db.query(campaignQuery(db.dialect()) + " WHERE c.id = ? GROUP BY c.id", ps -> ps.setLong(1, id), JdbcCampaignStore::campaign)
                .stream().findFirst();
    }

    static String nextPendingBatch(Dialect dialect) {
        return "SELECT campaign_id, batch_no, recipients, retry_key FROM campaign_batches"
                + dialect.indexedBy("campaign_batches_by_state")
                + " WHERE campaign_id = ? AND state = 'pending' ORDER BY batch_no LIMIT 1";
    }

    @Override
    public Optional<Batch> nextPendingBatch(long campaignId) {
        return db.query(nextPendingBatch(db.dialect()),
                ps -> ps.setLong(1, campaignId),
                rs -> new Batch(rs.getLong(1), rs.getInt(2),
                        rs.getString(3).isEmpty() ? List.of() : List.of(rs.getString(3).split("\n")), rs.getString(4)))
                .stream().findFirst();
    }

    @Override
    public void markBatchSent(long campaignId, int batchNo, String requestId, String acceptedRequestId, Instant at) {
        db.update("UPDATE campaign_batches SET state = 'sent', request_id = ?, accepted_request_id = ?, sent_at = ?,"
                + " error = NULL WHERE campaign_id = ? AND batch_no = ?", ps -> {
            ps.setString(1, requestId);
            ps.setString(2, acceptedRequestId);
            ps.setLong(3, at.toEpochMilli());
            ps.setLong(4, campaignId);
            ps.setInt(5, batchNo);
        }).join();
    }

    @Override
    public void markBatchFailed(long campaignId, int batchNo, String error, Instant at) {
        db.update("UPDATE campaign_batches SET state = 'failed', error = ?, sent_at = ? WHERE campaign_id = ? AND batch_no = ?",
                ps -> {
                    ps.setString(1, error);
                    ps.setLong(2, at.toEpochMilli());
                    ps.setLong(3, campaignId);
                    ps.setInt(4, batchNo);
                }).join();
    }

    @Override
    public boolean setCampaignState(long id, String state, String detail, List<String> expected) {
        return db.write(tx -> {
            String only = expected.isEmpty() ? "" : " AND state IN (" + String.join(",", java.util.Collections.nCopies(expected.size(), "?")) + ")";
            PreparedStatement ps = tx.prepare("UPDATE campaigns SET state = ?, detail = ? WHERE id = ?" + only);
            ps.setString(1, state);
            ps.setString(2, detail);
            ps.setLong(3, id);
            for (int i = 0; i < expected.size(); i++) {
                ps.setString(4 + i, expected.get(i));
            }
            return ps.executeUpdate() == 1;
        }).join();
    }

}
