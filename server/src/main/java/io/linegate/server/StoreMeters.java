package io.linegate.server;

import io.linegate.store.Store;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The store's health as meters, so that an alert fires before a full disk is an outage:
 * {@code linegate_store_writable} (1, or 0 while the store cannot write and the server is not ready),
 * and for a local store {@code linegate_store_disk_free_bytes} and {@code linegate_store_disk_low}
 * (1 under {@link #LOW_BYTES} or {@link #LOW_SHARE_PERCENT} % of the disk free: the limits of
 * {@code linegate preflight}'s warning).
 */
final class StoreMeters {
    static final long LOW_BYTES = 1024L * 1024 * 1024;
    static final int LOW_SHARE_PERCENT = 5;

    private StoreMeters() {
    }

    static void bind(MeterRegistry registry, Store store, Path dataDir) {
        Gauge.builder("linegate.store.writable", store, s -> s.writeHealth().writable() ? 1 : 0)
                .description("1 while the store can write; 0 while it cannot (disk full, read-only, I/O errors)")
                .register(registry);
        if (dataDir == null) {
            return;
        }
        Gauge.builder("linegate.store.disk.free", dataDir, d -> usable(d)).baseUnit("bytes")
                .description("space left on the store's disk").register(registry);
        Gauge.builder("linegate.store.disk.low", dataDir, d -> low(d) ? 1 : 0)
                .description("1 while the store's disk has less than 1 GiB or 5 % free").register(registry);
    }

    static boolean low(Path dataDir) {
        try {
            FileStore fs = Files.getFileStore(dataDir);
            long free = fs.getUsableSpace();
            return free < LOW_BYTES || free * 100 < fs.getTotalSpace() * LOW_SHARE_PERCENT;
        } catch (IOException e) {
            return true;
        }
    }

    private static double usable(Path dataDir) {
        try {
            return Files.getFileStore(dataDir).getUsableSpace();
        } catch (IOException e) {
            return Double.NaN;
        }
    }
}
