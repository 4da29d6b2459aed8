package io.linegate.store.sqlite;

import io.linegate.store.RateBucketStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;

/** The {@link RateBucketStore} on SQLite: read and write in one writer transaction, which {@code BEGIN IMMEDIATE} makes atomic across processes. */
final class SqliteRateBuckets implements RateBucketStore {
    private final SqliteDatabase db;

    SqliteRateBuckets(SqliteDatabase db) {
        this.db = db;
    }

    @Override
    public int take(String endpoint, double capacity, double perSecond, int wanted, Instant now) {
        return db.write(tx -> {
            PreparedStatement read = tx.prepare("SELECT tokens, updated_at FROM rate_buckets WHERE endpoint = ?");
            read.setString(1, endpoint);
            double tokens = capacity;
            try (ResultSet rs = read.executeQuery()) {
                if (rs.next()) {
                    long elapsed = Math.max(0, now.toEpochMilli() - rs.getLong(2));
                    tokens = Math.min(capacity, rs.getDouble(1) + elapsed * perSecond / 1000.0);
                }
            }
            int taken = (int) Math.min(wanted, Math.floor(tokens));
            PreparedStatement write = tx.prepare("INSERT OR REPLACE INTO rate_buckets (endpoint, tokens, updated_at)"
                    + " VALUES (?, ?, ?)");
            write.setString(1, endpoint);
            write.setDouble(2, tokens - taken);
            write.setLong(3, now.toEpochMilli());
            write.executeUpdate();
            return taken;
        }).join();
    }

}
