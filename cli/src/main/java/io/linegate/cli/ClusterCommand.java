package io.linegate.cli;

import io.linegate.store.Cluster;
import io.linegate.store.Store;
import java.io.PrintWriter;
import java.util.Map;
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
                Map<Integer, Long> backlog = cluster.backlog();
                long unsplit = store.journal().pendingCount() - backlog.values().stream().mapToLong(Long::longValue).sum();
                out.printf("store %s: %d partitions, %s%n", store.location(), cluster.partitions(),
                        cluster.shared() ? "shared by the nodes below" : "used by one process");
                out.printf("%-40s %-24s %-10s %-8s %s%n", "NODE", "LAST SEEN", "PARTITIONS", "BACKLOG", "HELD");
                long unowned = backlog.values().stream().mapToLong(Long::longValue).sum();
                for (Cluster.Node node : cluster.nodes()) {
                    long waiting = node.partitions().stream().mapToLong(p -> backlog.getOrDefault(p, 0L)).sum();
                    unowned -= waiting;
                    out.printf("%-40s %-24s %-10d %-8d %s%n", node.id(), node.lastSeen(), node.partitions().size(), waiting,
                            ranges(node.partitions()));
                }
                out.printf("events not yet split: %d; in partitions no live node holds: %d%n", unsplit, cluster.shared() ? unowned : 0);
                return 0;
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
