package io.linegate.cli;

import io.linegate.store.Store;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --data-dir} option of the operator commands that open a data directory's store. */
final class DataDir {
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data", description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path path;

    Store open() {
        return Store.sqlite(path);
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
