package io.linegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.linegate.store.EventJournal.NewEvent;
import io.linegate.store.Store;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventsCommandTest {
    @TempDir
    Path dir;

    @Test
    void listsAndReplaysDeadLetters() {
        try (Store store = Store.sqlite(dir)) {
            store.journal().split(List.of(), List.of(new NewEvent("01JDEAD0000000000000000001", "user:U1", "Ubot", "{}",
                    Instant.now())), List.of()).join();
            store.journal().deadLetter(store.journal().pending(0, 1).get(0).seq(), 5, "java.lang.IllegalStateException: downstream down").join();
        }
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        try {
            assertThat(Cli.run(Map.of(), "events", "dead", "--data-dir", dir.toString()).exitCode).isZero();
            assertThat(out.toString()).contains("01JDEAD0000000000000000001").contains("user:U1").contains("downstream down");
            assertThat(Cli.run(Map.of(), "events", "replay", "1", "--data-dir", dir.toString()).exitCode).isZero();
            assertThat(Cli.run(Map.of(), "events", "replay", "1", "--data-dir", dir.toString()).exitCode).isNotZero();
        } finally {
            System.setOut(original);
        }
        try (Store store = Store.sqlite(dir)) {
            assertThat(store.journal().pending(0, 10)).singleElement()
                    .satisfies(e -> assertThat(e.eventId()).isEqualTo("01JDEAD0000000000000000001"));
        }
    }
}
