package io.linegate.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.linegate.store.EventJournal;
import io.linegate.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A full disk makes the store unwritable, not wedged: it writes again by itself once there is room. */
@Timeout(60)
class FullStoreTest {
    @TempDir
    Path dir;

    @Test
    void aFullStoreIsUnwritableUntilThereIsRoomThenWritesAgainWithoutLosingWhatItAcknowledged() throws Exception {
        SqliteQuota quota = SqliteQuota.open(dir);
        try (Store store = quota.store()) {
            quota.leaveRoomFor(40);
            List<String> acknowledged = new ArrayList<>();
            Throwable full = null;
            for (int i = 0; i < 500 && full == null; i++) {
                String body = body(i);
                try {
                    store.journal().append(body.getBytes(StandardCharsets.UTF_8), Instant.now()).get(10, TimeUnit.SECONDS);
                    acknowledged.add(body);
                } catch (ExecutionException e) {
                    full = e.getCause();
                }
            }
            assertThat(full).as("the 40 pages filled up").isNotNull();
            assertThat(acknowledged).isNotEmpty();
            assertThat(store.writeHealth().writable()).isFalse();
            assertThat(store.writeHealth().problem()).get().asString()
                    .contains("the disk is full (SQLITE_FULL)").contains("free in " + dir.toAbsolutePath());

            // Still full: each later append fails for the same reason, never "within a transaction".
            for (int i = 0; i < 3; i++) {
                assertThat(failureOf(store.journal().append(body(1000 + i).getBytes(StandardCharsets.UTF_8), Instant.now())))
                        .contains("SQLITE_FULL");
            }

            quota.makeRoom();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!store.writeHealth().writable() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(store.writeHealth().writable()).as("writable again, by itself, within 10 s of room").isTrue();
            for (int i = 0; i < 20; i++) {
                String body = body(2000 + i);
                store.journal().append(body.getBytes(StandardCharsets.UTF_8), Instant.now()).get(10, TimeUnit.SECONDS);
                acknowledged.add(body);
            }
            List<String> journaled = new ArrayList<>();
            for (EventJournal.InboxEntry e : store.journal().inbox(0, 10_000)) {
                journaled.add(new String(e.body(), StandardCharsets.UTF_8));
            }
            assertThat(journaled).containsAll(acknowledged);
        }
    }

    private static String failureOf(CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(10, TimeUnit.SECONDS);
            return "no failure";
        } catch (ExecutionException e) {
            StringBuilder all = new StringBuilder();
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                all.append(t.getMessage()).append(" / ");
            }
            return all.toString();
        } catch (TimeoutException e) {
            return "timed out";
        }
    }

    private static String body(int i) {
        return "{\"destination\":\"U0\",\"events\":[],\"n\":" + i + ",\"pad\":\"" + "x".repeat(3000) + "\"}";
    }
}
