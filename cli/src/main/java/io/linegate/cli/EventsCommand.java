package io.linegate.cli;

import io.linegate.core.LogText;
import io.linegate.store.DeadLetters.DeadLetter;
import io.linegate.store.Store;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
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
            description = "Put a dead letter back in its conversation's queue; a running server picks it up.")
    static final class Replay implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        DataDir dataDir;

        @Parameters(paramLabel = "ID", description = "Dead letter id, from 'linegate events dead'.")
        long id;

        @Override
        public Integer call() {
            try (Store store = dataDir.open()) {
                boolean wholeBody = store.deadLetters().body(id).isPresent();
                int code = store.deadLetters().replay(id).join().map(seq -> {
                    spec.commandLine().getOut().println("dead letter " + id + (wholeBody
                            ? " put back in the inbox (entry " + seq + ") to be split again from its original bytes"
                            : " replayed as event " + seq));
                    return 0;
                }).orElseGet(() -> {
                    spec.commandLine().getErr().println("no dead letter " + id + " waiting for replay (unknown or already replayed)");
                    return 1;
                });
                spec.commandLine().getOut().flush();
                spec.commandLine().getErr().flush();
                return code;
            }
        }
    }
}
