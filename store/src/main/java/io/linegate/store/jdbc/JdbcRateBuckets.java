package io.linegate.store.jdbc;

import io.linegate.store.RateBucketStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;

/** The {@link RateBucketStore} in SQL: refill and take in one transaction with the row locked (on SQLite, by the writer's exclusive transaction). */
final class JdbcRateBuckets implements RateBucketStore {
    private final Database db;

    JdbcRateBuckets(Database db) {
        this.db = db;
    }

    @Override
    public int take(String endpoint, double capacity, double perSecond, int wanted, Instant now) {
        return db.write(tx -> {
            // A bucket seen for the first time starts full; then the row is locked for the rest of the transaction.
            PreparedStatement create = tx.prepare("INSERT INTO rate_buckets (endpoint, tokens, updated_at) VALUES (?, ?, ?)"
                    + " ON CONFLICT (endpoint) DO NOTHING");
            create.setString(1, endpoint);
            create.setDouble(2, capacity);
            create.setLong(3, now.toEpochMilli());
            create.executeUpdate();
            PreparedStatement read = tx.prepare("SELECT tokens, updated_at FROM rate_buckets WHERE endpoint = ?"
                    + db.dialect().forUpdate());
            read.setString(1, endpoint);
            double tokens;
            try (ResultSet rs = read.executeQuery()) {
                rs.next();
                long elapsed = Math.max(0, now.toEpochMilli() - rs.getLong(2));
                tokens = Math.min(capacity, rs.getDouble(1) + elapsed * perSecond / 1000.0);
            }
            int taken = (int) Math.min(wanted, Math.floor(tokens));
            PreparedStatement write = tx.prepare("UPDATE rate_buckets SET tokens = ?, updated_at = ? WHERE endpoint = ?");
            write.setDouble(1, tokens - taken);
            write.setLong(2, now.toEpochMilli());
            write.setString(3, endpoint);
            write.executeUpdate();
            return taken;
        }).join();
    }
}
