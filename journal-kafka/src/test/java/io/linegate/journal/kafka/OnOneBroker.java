package io.linegate.journal.kafka;

import io.linegate.store.Store;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
