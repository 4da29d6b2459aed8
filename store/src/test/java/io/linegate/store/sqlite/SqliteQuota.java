package io.linegate.store.sqlite;

import io.linegate.store.Store;
import io.linegate.store.jdbc.JdbcStore;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * An embedded store whose disk can be filled and emptied at will, portably: SQLite's
 * {@code PRAGMA max_page_count} on the writer's connection caps the file where a full disk would,
 * with the same {@code SQLITE_FULL}, and raising it is space coming back.
 */
public final class SqliteQuota {
    private final SqliteDatabase db;
    private final Store store;

    private SqliteQuota(SqliteDatabase db) {
        this.db = db;
        this.store = new JdbcStore(db);
    }

    public static SqliteQuota open(Path dataDir) {
        return new SqliteQuota(SqliteDatabase.open(dataDir, Clock.systemUTC(), true));
    }

    public Store store() {
        return store;
    }

    /** From now on the file may grow by {@code pages} pages (4 KiB each) at most. */
    public void leaveRoomFor(int pages) throws Exception {
        db.write(tx -> {
            try (Statement st = tx.connection().createStatement()) {
                long now;
                try (ResultSet rs = st.executeQuery("PRAGMA page_count")) {
                    rs.next();
                    now = rs.getLong(1);
                }
                st.execute("PRAGMA max_page_count = " + (now + pages));
            }
            return null;
        }).get(10, TimeUnit.SECONDS);
    }

    /** Space comes back. */
    public void makeRoom() throws Exception {
        db.write(tx -> {
            try (Statement st = tx.connection().createStatement()) {
                st.execute("PRAGMA max_page_count = 1073741823");
            }
            return null;
        }).get(10, TimeUnit.SECONDS);
    }
}
