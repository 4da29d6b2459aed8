package io.linegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.linegate.store.EventJournal;
import io.linegate.store.EventJournal.NewEvent;
import io.linegate.store.Store;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 5, unit = TimeUnit.MINUTES)
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
        Cli dead = Cli.run(Map.of(), "events", "dead", "--data-dir", dir.toString());
        assertThat(dead.exitCode).isZero();
        assertThat(dead.out).contains("01JDEAD0000000000000000001").contains("user:U1").contains("downstream down");
        assertThat(Cli.run(Map.of(), "events", "replay", "1", "--data-dir", dir.toString()).exitCode).isZero();
        assertThat(Cli.run(Map.of(), "events", "replay", "1", "--data-dir", dir.toString()).exitCode).isNotZero();
        try (Store store = Store.sqlite(dir)) {
            assertThat(store.journal().pending(0, 10)).singleElement()
                    .satisfies(e -> assertThat(e.eventId()).isEqualTo("01JDEAD0000000000000000001"));
        }
    }

    @Test
    void aDataDirectoryThatHoldsNoStoreIsRefusedUnlessCreateIsGiven() {
        Path typo = dir.resolve("dta");
        Cli refused = Cli.run(Map.of(), "events", "dead", "--data-dir", typo.toString());
        assertThat(refused.exitCode).isEqualTo(2);
        assertThat(refused.err).contains("no linegate store in").contains("--data-dir").contains("--create")
                .doesNotContain("\tat ");
        assertThat(typo.resolve("linegate.db")).doesNotExist();
        for (String[] command : new String[][] {{"logs", "api"}, {"tokens", "status"}, {"links", "list"}, {"campaign", "status"}}) {
            List<String> args = new ArrayList<>(List.of(command));
            args.addAll(List.of("--data-dir", typo.toString()));
            Cli other = Cli.run(Map.of("LINE_CHANNEL_SECRET", "0123456789abcdef0123456789abcdef", "LINE_CHANNEL_ID", "1234567890"),
                    args.toArray(new String[0]));
            assertThat(other.err).as(String.join(" ", command)).contains("no linegate store in");
        }
        assertThat(Cli.run(Map.of(), "events", "dead", "--data-dir", typo.toString(), "--create").exitCode).isZero();
        assertThat(typo.resolve("linegate.db")).exists();
    }

    @Test
    void aWholeBodyDeadLetterIsReplayedIntoTheInboxAsItsOriginalBytes() {
        byte[] body = {'{', (byte) 0xe9, '}'};
        try (Store store = Store.sqlite(dir)) {
            store.journal().split(List.of(), List.of(), List.of(EventJournal.Rejected.body("inbox:9", body,
                    Instant.now(), "not UTF-8"))).join();
        }
        Cli replay = Cli.run(Map.of(), "events", "replay", "1", "--data-dir", dir.toString());
        assertThat(replay.exitCode).isZero();
        assertThat(replay.out).contains("put back in the inbox").contains("original bytes");
        try (Store store = Store.sqlite(dir)) {
            assertThat(store.journal().inbox(0, 10)).singleElement().satisfies(e -> assertThat(e.body()).isEqualTo(body));
        }
    }
}
