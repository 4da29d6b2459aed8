package io.linegate.cli;

import io.linegate.store.Store;
import io.linegate.store.StoreProvider;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the operator commands find the store: {@code --data-dir DIR} (the embedded SQLite store, the
 * default {@code data}) or {@code --store LOCATION} ({@code sqlite:DIR}, or
 * {@code postgresql://host:5432/db?user=...} with the password in {@code LINEGATE_STORE_PASSWORD}).
 */
final class DataDir {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory of the embedded store (default: data).")
    Path path;

    @Option(names = "--store", paramLabel = "LOCATION",
            description = "Store location instead of --data-dir: sqlite:DIR or postgresql://host:5432/db?user=NAME"
                    + " (password in LINEGATE_STORE_PASSWORD).")
    String location;

    /** The store location these options name. */
    String location() {
        if (location != null && path != null) {
            throw new IllegalArgumentException("give either --data-dir or --store, not both");
        }
        return location != null ? location : "sqlite:" + (path != null ? path : Path.of("data"));
    }

    Store open() {
        return Store.open(location());
    }

    @Override
    public String toString() {
        return StoreProvider.redact(location());
    }
}
