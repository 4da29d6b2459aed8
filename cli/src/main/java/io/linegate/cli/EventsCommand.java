package io.linegate.cli;

import io.linegate.core.LogText;
import io.linegate.journal.kafka.KafkaDeadLetters;
import io.linegate.journal.kafka.KafkaLocation;
import io.linegate.store.DeadLetters.DeadLetter;
import io.linegate.store.Store;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code linegate events}: inspect and replay dead letters in a data directory. */
@Command(name = "events", mixinStandardHelpOptions = true, description = "Dead letters: list and replay.",
        subcommands = {EventsCommand.Dead.class, EventsCommand.Replay.class})
final class EventsCommand {

    @Command(name = "dead", mixinStandardHelpOptions = true, description = "List dead-lettered events, newest first.")
    static final class Dead implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        DataDir dataDir;

        @Option(names = "--limit", defaultValue = "50", description = "How many (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (Store store = dataDir.open()) {
                List<DeadLetter> letters = store.deadLetters().list(limit);
                if (letters.isEmpty()) {
                    out.println("no dead letters");
                    out.flush();
                    return 0;
                }
                out.printf("%-6s %-28s %-44s %-8s %-24s %s%n", "ID", "EVENT", "SOURCE", "ATTEMPTS", "FAILED", "ERROR");
                for (DeadLetter d : letters) {
                    out.printf("%-6d %-28s %-44s %-8d %-24s %s%s%n", d.id(), d.eventId(), d.lane(), d.attempts(),
                            d.failedAt(), LogText.escape(d.error()),
                            d.replayedAt() == null ? "" : " (replayed " + d.replayedAt() + ")");
                }
                out.flush();
                return 0;
            }
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = {"Put a dead letter back in its conversation's queue; a running server picks it up.",
                    "With --journal kafka://...: back onto the events topic, keyed by its conversation (after what its"
                    + " partition holds), marked replayed once Kafka has it."})
    static final class Replay implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        DataDir dataDir;

        @Mixin
        JournalOption journal;

        @Option(names = "--timeout", defaultValue = "PT10S", paramLabel = "ISO-8601",
                description = "With --journal: how long Kafka may take to acknowledge the replay (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Parameters(paramLabel = "ID", description = "Dead letter id, from 'linegate events dead'.")
        long id;

        @Override
        public Integer call() {
            KafkaLocation kafka = journal.kafka();
            try (Store store = dataDir.open()) {
                if (kafka != null) {
                    return replayOnKafka(store, kafka);
                }
                boolean wholeBody = store.deadLetters().body(id).isPresent();
                int code = store.deadLetters().replay(id).join().map(seq -> {
                    spec.commandLine().getOut().println("dead letter " + id + (wholeBody
                            ? " put back in the inbox (entry " + seq + ") to be split again from its original bytes"
                            : " replayed as event " + seq));
                    return 0;
                }).orElseGet(this::notWaiting);
                spec.commandLine().getOut().flush();
                spec.commandLine().getErr().flush();
                return code;
            }
        }

        private int replayOnKafka(Store store, KafkaLocation kafka) {
            boolean wholeBody = store.deadLetters().body(id).isPresent();
            try (KafkaDeadLetters letters = KafkaDeadLetters.open(kafka, store, journal.kafkaSettings(), timeout)) {
                int code = letters.replay(id).join().map(offset -> {
                    spec.commandLine().getOut().println("dead letter " + id + (wholeBody
                            ? " split again from its original bytes and its events put back onto " + kafka.eventsTopic()
                            : " put back onto " + kafka.eventsTopic() + " at offset " + offset
                                    + " of its conversation's partition"));
                    return 0;
                }).orElseGet(this::notWaiting);
                spec.commandLine().getOut().flush();
                spec.commandLine().getErr().flush();
                return code;
            } catch (CompletionException e) {
                spec.commandLine().getErr().println(e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
                spec.commandLine().getErr().flush();
                return 1;
            }
        }

        private int notWaiting() {
            spec.commandLine().getErr().println("no dead letter " + id + " waiting for replay (unknown or already replayed)");
            return 1;
        }
    }
}
