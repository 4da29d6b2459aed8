package io.linegate.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.linegate.store.Store;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQLite plans the campaign queries from the batch index only when told to; checked with EXPLAIN QUERY PLAN. */
class SqliteQueryPlanTest {
    @TempDir
    Path dir;

    @Test
    void campaignProgressQueriesUseTheBatchStateIndexNotTheRecipients() throws Exception {
        Store.sqlite(dir).close(); // migrated
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("linegate.db"))) {
            assertThat(plan(c, JdbcCampaignStore.nextPendingBatch(Dialect.SQLITE))).contains("campaign_batches_by_state");
            assertThat(plan(c, JdbcCampaignStore.campaignQuery(Dialect.SQLITE) + " WHERE c.id = ? GROUP BY c.id"))
                    .contains("COVERING INDEX campaign_batches_by_state");
        }
    }

    private static String plan(Connection c, String sql) throws Exception {
        StringBuilder plan = new StringBuilder();
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
            ps.setLong(1, 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    plan.append(rs.getString("detail")).append('\n');
                }
            }
        }
        return plan.toString();
    }
}
