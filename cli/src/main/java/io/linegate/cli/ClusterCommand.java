package io.linegate.cli;

import io.linegate.store.Cluster;
import io.linegate.store.Store;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code linegate cluster}: the nodes sharing a store. */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "The servers sharing one store.",
        subcommands = {ClusterCommand.Status.class})
final class ClusterCommand {

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Live nodes, the partitions each holds, and the events waiting in them.")
    static final class Status implements Callable<Integer> {
        @Mixin
        DataDir dataDir;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
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

        /** Columns as wide as their widest cell, numbers right-aligned, the last column as it is. */
        static void printAligned(PrintWriter out, List<String[]> rows) {
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
                    boolean number = r > 0 && (i == 2 || i == 3);
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
