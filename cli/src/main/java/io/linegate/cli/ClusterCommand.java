package io.linegate.cli;

import io.linegate.journal.kafka.KafkaLocation;
import io.linegate.journal.kafka.KafkaLogStatus;
import io.linegate.store.Cluster;
import io.linegate.store.LogStatus;
import io.linegate.store.Store;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code linegate cluster}: the nodes sharing a store. */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "The servers sharing one store.",
        subcommands = {ClusterCommand.Status.class})
final class ClusterCommand {

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Live nodes, the partitions each holds, and the events waiting in them.",
                    "With --journal kafka://...: per partition of the events topic its end, the stored position, the lag"
                    + " (events not finished) and the node the consumer group gave it to; the group's members; the oldest"
                    + " unfinished event's age. Joins no group."})
    static final class Status implements Callable<Integer> {
        @Mixin
        DataDir dataDir;

        @Mixin
        JournalOption journal;

        @Option(names = "--timeout", defaultValue = "PT10S", paramLabel = "ISO-8601",
                description = "With --journal: how long each call to Kafka may take (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            KafkaLocation kafka = journal.kafka();
            if (kafka != null) {
                try (Store store = Store.open(dataDir.location(), Store.Options.defaults().create(false));
                     KafkaLogStatus status = KafkaLogStatus.open(kafka, store, journal.kafkaSettings(), timeout)) {
                    out.printf("store %s, journal on Kafka%n", store.location());
                    return printLog(status.snapshot(), out, spec.commandLine().getErr());
                }
            }
            try (Store store = Store.open(dataDir.location(), Store.Options.defaults().create(false))) {
                Cluster cluster = store.cluster();
                Cluster.Snapshot now = cluster.snapshot(); // one reading: the figures agree with each other
                out.printf("store %s: %d partitions, %s%n", store.location(), cluster.partitions(),
                        cluster.shared() ? "shared by the nodes below" : "used by one process");
                List<String[]> rows = new ArrayList<>();
                rows.add(new String[] {"NODE", "LAST SEEN", "PARTITIONS", "BACKLOG", "HELD"});
                for (Cluster.Node node : now.nodes()) {
                    long waiting = node.partitions().stream().mapToLong(p -> now.backlog().getOrDefault(p, 0L)).sum();
                    rows.add(new String[] {node.id(), String.valueOf(node.lastSeen()), String.valueOf(node.partitions().size()),
                            String.valueOf(waiting), ranges(node.partitions())});
                }
                printAligned(out, rows);
                out.printf("events not yet split: %d; in partitions no live node holds: %d%n", now.unsplit(),
                        cluster.shared() ? now.unowned() : 0);
                return 0;
            }
        }

        /**
         * A journal kept outside the store: lag per partition, the holder (the consumer group's assignment),
         * the group's members and the oldest unfinished event's age; 1 when it could not be read.
         */
        static int printLog(LogStatus.Snapshot now, PrintWriter out, PrintWriter err) {
            if (now.problem() != null) {
                out.flush();
                err.println(now.problem());
                err.flush();
                return 1;
            }
            out.printf("%s: %d partitions, %d events not finished, read at %s%n", now.source(), now.partitions().size(),
                    now.lag(), now.readAt());
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"PARTITION", "END", "POSITION", "LAG", "HOLDER"});
            for (LogStatus.Partition p : now.partitions()) {
                rows.add(new String[] {String.valueOf(p.partition()), String.valueOf(p.end()), String.valueOf(p.position()),
                        String.valueOf(p.lag()), p.holder() == null ? "-" : p.holder()});
            }
            printAligned(out, rows, 0, 1, 2, 3);
            List<String[]> members = new ArrayList<>();
            members.add(new String[] {"NODE", "PARTITIONS", "HELD"});
            for (LogStatus.Member m : now.members()) {
                members.add(new String[] {m.node(), String.valueOf(m.partitions().size()), ranges(m.partitions())});
            }
            printAligned(out, members, 1);
            out.printf("oldest unfinished event: %s%n", now.oldest() == null ? "none"
                    : String.format(Locale.ROOT, "%.1f s old", now.oldest().toMillis() / 1000.0));
            out.flush();
            return 0;
        }

        static void printAligned(PrintWriter out, List<String[]> rows) {
            printAligned(out, rows, 2, 3);
        }

        /** Columns as wide as their widest cell, the {@code numeric} ones right-aligned, the last column as it is. */
        static void printAligned(PrintWriter out, List<String[]> rows, int... numeric) {
            int[] width = new int[rows.get(0).length];
            for (String[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    width[i] = Math.max(width[i], row[i].length());
                }
            }
            for (int r = 0; r < rows.size(); r++) {
                String[] row = rows.get(r);
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    boolean last = i == row.length - 1;
                    int column = i;
                    boolean number = r > 0 && Arrays.stream(numeric).anyMatch(n -> n == column);
                    String cell = last ? row[i] : number ? " ".repeat(width[i] - row[i].length()) + row[i]
                            : row[i] + " ".repeat(width[i] - row[i].length());
                    line.append(i == 0 ? "" : "  ").append(cell);
                }
                out.println(line);
            }
        }

        /** 0-3,7,9-12 */
        static String ranges(Set<Integer> parts) {
            int[] sorted = parts.stream().mapToInt(Integer::intValue).sorted().toArray();
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < sorted.length; i++) {
                int start = sorted[i];
                while (i + 1 < sorted.length && sorted[i + 1] == sorted[i] + 1) {
                    i++;
                }
                out.append(out.length() == 0 ? "" : ",").append(start == sorted[i] ? "" + start : start + "-" + sorted[i]);
            }
            return out.length() == 0 ? "-" : out.toString();
        }
    }
}
