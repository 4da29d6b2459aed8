package io.linegate.cli;

import io.linegate.store.Store;
import io.linegate.store.StoreException;
import io.linegate.store.StoreProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Option;

/**
 * Where the operator commands find the store: {@code --data-dir DIR} (the embedded SQLite store, the
 * default {@code data}) or {@code --store LOCATION} ({@code sqlite:DIR}, or
 * {@code postgresql://host:5432/db?user=...} with the password in {@code LINEGATE_STORE_PASSWORD}).
 * A store that does not exist is refused unless {@code --create} is given: a typo in the path must
 * not answer "no dead letters" from a store made on the spot.
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

    @Option(names = "--create", description = "Create the store if there is none at --data-dir or --store (otherwise that is an error).")
    boolean create;

    Store open() {
        String location = location();
        try {
            return Store.open(location, Clock.systemUTC(), create);
        } catch (StoreException e) {
            Path dir = location.startsWith("sqlite:") ? Path.of(location.substring("sqlite:".length())) : null;
            if (!create && dir != null && !Files.isRegularFile(dir.resolve("linegate.db"))) {
                throw new IllegalArgumentException("no linegate store in " + dir.toAbsolutePath()
                        + "; check --data-dir (the server's), or pass --create to make a new store there", e);
            }
            throw e;
        }
    }

    @Override
    public String toString() {
        return StoreProvider.redact(location());
    }
}
