package io.linegate.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linegate.store.Store;
import io.linegate.store.StoreContractTest;
import io.linegate.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on the embedded SQLite store, and what is particular to it. */
class SqliteStoreTest extends StoreContractTest {
    @TempDir
    Path dir;

    @Override
    protected Store open() {
        return Store.open("sqlite:" + dir);
    }

    @Test
    void aBareDirectoryIsASqliteLocation() {
        try (Store store = Store.open(dir.toString())) {
            assertThat(store.location()).isEqualTo("sqlite:" + dir);
        }
        assertThat(dir.resolve(SqliteDatabase.FILE_NAME)).exists();
    }

    @Test
    void aMissingStoreIsRefusedWhenItMayNotBeCreated() {
        Path typo = dir.resolve("typo");
        assertThatThrownBy(() -> Store.open("sqlite:" + typo, Clock.systemUTC(), false))
                .isInstanceOf(StoreException.class).hasMessageContaining("no linegate store in " + typo);
        assertThat(Files.exists(typo)).isFalse();
    }

    @Test
    void campaignProgressQueriesUseTheBatchStateIndexNotTheRecipients() throws Exception {
        open().close(); // migrated
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteDatabase.FILE_NAME))) {
            assertThat(plan(c, SqliteCampaignStore.NEXT_PENDING_BATCH)).contains("campaign_batches_by_state");
            assertThat(plan(c, SqliteCampaignStore.CAMPAIGN_QUERY + " WHERE c.id = ? GROUP BY c.id"))
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
