package io.linegate.journal.kafka;

import static org.awaitility.Awaitility.await;

import io.linegate.store.EventJournal.StoredEvent;
import io.linegate.store.Store;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the journal's tests on one broker share: one KRaft broker for all the test classes of the run
 * that extend this (started by the first, closed by JUnit when the run ends; each class makes topics,
 * and so consumer groups, of its own names), a fresh SQLite store for each test, and what a test
 * opened ({@link #open}), closed after it in the reverse order. A test that stops its broker
 * ({@code KafkaOutageTest}) starts one of its own instead.
 */
@ExtendWith(OnOneBroker.SharedBroker.class)
abstract class OnOneBroker {
    static Brokers brokers;

    @TempDir
    Path dir;
    Store database;
    final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void openDatabase() {
        database = Store.sqlite(dir);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        database.close();
    }

    /** Waits until {@code n} events of {@code partition} are fetched by {@code kafka}; returns them in fetch order. */
    static List<StoredEvent> fetched(KafkaJournal kafka, int partition, int n) {
        List<StoredEvent> fetched = new ArrayList<>();
        await().atMost(30, TimeUnit.SECONDS).until(() -> {
            fetched.clear();
            fetched.addAll(kafka.store().journal().pending(Set.of(partition), 0, 10));
            return fetched.size() == n;
        });
        return fetched;
    }

    /** Starts the broker once for the whole run; JUnit closes it (an {@link AutoCloseable} in the root store). */
    static final class SharedBroker implements BeforeAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) {
            brokers = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).getOrComputeIfAbsent(Brokers.class, k -> {
                try {
                    return Brokers.start(1);
                } catch (Exception e) {
                    throw new IllegalStateException("could not start the test's Kafka broker", e);
                }
            }, Brokers.class);
        }
    }
}
