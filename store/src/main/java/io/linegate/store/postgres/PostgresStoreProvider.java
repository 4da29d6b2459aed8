package io.linegate.store.postgres;

import io.linegate.store.Store;
import io.linegate.store.StoreProvider;
import io.linegate.store.jdbc.JdbcStore;
import javax.sql.DataSource;

/**
 * Opens {@code postgresql://host:port/database?user=...}: a store that any number of linegate
 * processes, on any number of hosts, share. The password comes from the location or from
 * {@link Store.Options#password()} ({@code LINEGATE_STORE_PASSWORD}), and is never logged. The
 * database must exist; linegate creates and migrates its tables.
 */
public final class PostgresStoreProvider implements StoreProvider {

    @Override
    public boolean accepts(String location) {
        return PostgresLocation.accepts(location);
    }

    @Override
    public String example() {
        return "postgresql://db.example.com:5432/linegate?user=linegate";
    }

    @Override
    public Store open(DataSource dataSource, String databaseProduct, Store.Options options) {
        if (!"PostgreSQL".equalsIgnoreCase(databaseProduct)) {
            return null;
        }
        return new JdbcStore(PostgresDatabase.openOn(dataSource, options));
    }

    @Override
    public Store open(String location, Store.Options options) {
        return new JdbcStore(PostgresDatabase.open(PostgresLocation.parse(location, options.password()), options));
    }
}
