package io.linegate.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linegate.store.Store;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While webhooks wait for their append to commit, the dispatcher leaves the store to them before it
 * reads (processing may slow under a burst, acknowledgement may not), and handles the events once
 * the appends are through.
 */
class YieldToAppendsTest {
    @TempDir
    Path dir;

    @Test
    void theDispatcherYieldsWhileAppendsWaitAndCatchesUpAfter() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        try (Store store = Store.sqlite(dir)) {
            Dispatcher dispatcher = Dispatcher.builder(store, ctx -> handled.add(ctx.eventId()))
                    .registry(new SimpleMeterRegistry()).build().start();
            try {
                assertThat(dispatcher.yieldedMillis()).as("nothing to yield to yet").isZero();
                CompletableFuture<Void> first;
                CompletableFuture<Void> second;
                try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("linegate.db"));
                     Statement st = other.createStatement()) {
                    st.execute("BEGIN IMMEDIATE"); // the store's writer now waits for the lock with the first append
                    first = store.journal().append(Webhooks.body(Webhooks.text(Webhooks.user(1), "01YIELDFIRST00000000000000", "one", false)), Instant.now());
                    // The writer takes the first append into a commit, which waits for the lock; the second
                    // then queues behind it (sent together, both could go into that one commit).
                    await().atMost(Duration.ofSeconds(5)).until(() -> !store.journal().appendsWaiting());
                    second = store.journal().append(Webhooks.body(Webhooks.text(Webhooks.user(1), "01YIELDSECOND0000000000000", "two", false)), Instant.now());
                    await().atMost(Duration.ofSeconds(5)).until(() -> store.journal().appendsWaiting());
                    await().atMost(Duration.ofSeconds(5)).until(() -> dispatcher.yieldedMillis() >= 20);
                    st.execute("ROLLBACK");
                }
                CompletableFuture.allOf(first, second).get(10, TimeUnit.SECONDS);
                dispatcher.appended();
                await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 2);
                assertThat(handled).containsExactly("01YIELDFIRST00000000000000", "01YIELDSECOND0000000000000");
                assertThat(store.journal().appendsWaiting()).isFalse();
            } finally {
                dispatcher.close(Duration.ofSeconds(2));
            }
        }
    }
}
