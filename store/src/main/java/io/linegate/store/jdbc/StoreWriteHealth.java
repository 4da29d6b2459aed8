package io.linegate.store.jdbc;

import io.linegate.store.WriteFailures;
import io.linegate.store.WriteHealth;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's {@link WriteHealth}, fed by its writers: a write that failed because the store cannot
 * write ({@link WriteFailures}) makes it unwritable, a write that committed makes it writable
 * again. Each change is one line in {@code linegate.store}, naming the cause and the free space;
 * while the store stays unwritable, a reminder at most once a minute.
 */
public final class StoreWriteHealth implements WriteHealth {
    private static final Logger log = LoggerFactory.getLogger("linegate.store");
    private static final long REMINDER_NANOS = Duration.ofMinutes(1).toNanos();

    private final String location;
    private final Path dataDir; // null: not a local directory (a server database)
    private volatile String problem;
    private long lastLine; // System.nanoTime() of the last line about the problem; guarded by this

    /**
     * @param location where the store lives, for the log (never a password)
     * @param dataDir  the directory whose free space is reported, or null
     */
    public StoreWriteHealth(String location, Path dataDir) {
        this.location = location;
        this.dataDir = dataDir;
    }

    @Override
    public boolean writable() {
        return problem == null;
    }

    @Override
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    /** A write failed; if {@code failure} means the store cannot write, it is not writable until one commits. */
    public void failed(Throwable failure) {
        String reason = WriteFailures.cannotWrite(failure);
        if (reason == null) {
            return;
        }
        String now = reason + freeSpace();
        boolean changed;
        boolean remind;
        synchronized (this) {
            changed = problem == null;
            problem = now;
            long t = System.nanoTime();
            // A reminder a minute after the last line, not at the next failing write (the dispatcher's
            // and the probe's writes fail too, milliseconds later).
            remind = !changed && t - lastLine >= REMINDER_NANOS;
            if (changed || remind) {
                lastLine = t;
            }
        }
        if (changed) {
            log.error("the store {} cannot write: {}; not ready (webhooks answered 503) until it can", location, now);
        } else if (remind) {
            log.warn("the store {} still cannot write: {}", location, now);
        }
    }

    /** A write committed: the store can write. */
    public void committed() {
        if (problem == null) {
            return;
        }
        synchronized (this) {
            if (problem == null) {
                return;
            }
            problem = null;
        }
        log.warn("the store {} can write again{}; ready", location, freeSpace());
    }

    private String freeSpace() {
        if (dataDir == null) {
            return "";
        }
        try {
            long free = Files.getFileStore(dataDir).getUsableSpace();
            return "; " + mib(free) + " free in " + dataDir.toAbsolutePath();
        } catch (IOException | RuntimeException e) {
            return "; free space in " + dataDir + " unknown (" + e.getClass().getSimpleName() + ")";
        }
    }

    private static String mib(long bytes) {
        return bytes < 1024 * 1024 ? bytes / 1024 + " KiB" : String.format("%.1f MiB", bytes / (1024.0 * 1024));
    }
}
