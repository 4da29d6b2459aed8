package io.linegate.store.sqlite;

import io.linegate.store.Store;
import io.linegate.store.StoreProvider;
import io.linegate.store.jdbc.JdbcStore;
import java.nio.file.Path;

/**
 * Opens {@code sqlite:DIR} (or a bare directory path): the embedded store in {@code DIR/linegate.db}.
 * Several processes on one host may share it; for several hosts, use a server database.
 */
public final class SqliteStoreProvider implements StoreProvider {
    static final String SCHEME = "sqlite:";

    @Override
    public boolean accepts(String location) {
        return location.startsWith(SCHEME) || !location.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*");
    }

    @Override
    public String example() {
        return "sqlite:/var/lib/linegate";
    }

    @Override
    public Store open(String location, Store.Options options) {
        String dir = location.startsWith(SCHEME) ? location.substring(SCHEME.length()) : location;
        if (dir.isBlank()) {
            throw new IllegalArgumentException("the store location 'sqlite:' needs a directory, e.g. " + example());
        }
        return new JdbcStore(SqliteDatabase.open(Path.of(dir), options.clock(), options.create()));
    }
}
