package io.linegate.bench;

import io.linegate.store.Cluster;
import io.linegate.store.EventJournal.NewEvent;
import io.linegate.store.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How long {@code linegate cluster status} takes with a backlog: {@code --events} events (of as many
 * conversations as {@code --lanes}) are stored in {@code --store} and left waiting (no node runs), then
 * {@code --calls} times what the command does is timed (ClusterCommand: open the store, read one
 * snapshot, close), each call on a fresh store as each run of the command is. Prints its figures as
 * {@code key value} lines; the JVM's start, which the command also pays, is not in them.
 */
final class ClusterStatus {
    private static final int BATCH = 5_000;

    private ClusterStatus() {
    }

    static void run(Args a) throws Exception {
        String location = a.str("store", null);
        int events = a.integer("events", 100_000);
        int lanes = a.integer("lanes", 10_000);
        int calls = a.integer("calls", 20);
        long fillStart = System.nanoTime();
        try (Store store = Store.open(location, Store.Options.defaults())) {
            Instant now = Instant.now();
            for (int from = 0; from < events; from += BATCH) {
                List<NewEvent> batch = new ArrayList<>(BATCH);
                for (int i = from; i < Math.min(events, from + BATCH); i++) {
                    batch.add(new NewEvent("status-" + i, "user:U" + (i % lanes), "Ubench",
                            "{\"type\":\"message\",\"n\":" + i + "}", now));
                }
                store.journal().split(List.of(), batch, List.of()).join();
            }
        }
        double fillS = (System.nanoTime() - fillStart) / 1e9;
        long[] millis = new long[calls];
        long waiting = -1;
        for (int c = 0; c < calls; c++) {
            long t0 = System.nanoTime();
            try (Store store = Store.open(location, Store.Options.defaults().create(false))) {
                Cluster.Snapshot s = store.cluster().snapshot();
                waiting = s.backlog().values().stream().mapToLong(Long::longValue).sum() + s.unsplit();
            }
            millis[c] = (System.nanoTime() - t0) / 1_000_000;
        }
        long[] sorted = millis.clone();
        Arrays.sort(sorted);
        // One "key value" line each, as the other bench commands print their figures.
        System.out.printf(Locale.ROOT, "events %d%nwaiting %d%nfill_s %.1f%ncalls %d%nfirst_ms %d%np50_ms %d%nmax_ms %d%nall_ms %s%n",
                events, waiting, fillS, calls, millis[0], sorted[calls / 2], sorted[calls - 1],
                Arrays.toString(millis).replace(" ", ""));
    }
}
