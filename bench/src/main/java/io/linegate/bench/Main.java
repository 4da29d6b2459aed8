package io.linegate.bench;

import io.linegate.bench.emulator.EmulatorBench;

/** {@code java -jar linegate-bench.jar bot|baseline|ceiling|postgres|delay-proxy|cluster-stall|cluster-status|emulator|takeover|gen|openloop|attack|emulator-webhook|emulator-push --key=value ...} */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: bot|baseline|ceiling|postgres|delay-proxy|cluster-stall|cluster-status|emulator|takeover|gen|openloop|attack|emulator-webhook|emulator-push --key=value ...");
            System.exit(2);
        }
        Args a = new Args(args, 1);
        switch (args[0]) {
            case "bot" -> BenchBot.run(a);
            case "baseline" -> Baseline.run(a);
            case "gen" -> GenBodies.run(a);
            case "openloop" -> OpenLoop.run(a);
            case "ceiling" -> Ceiling.run(a);
            case "postgres" -> Postgres.run(a);
            case "delay-proxy" -> DelayProxy.run(a);
            case "cluster-stall" -> ClusterStall.run(a);
            case "emulator" -> BenchEmulator.run(a);
            case "takeover" -> Takeover.run(a);
            case "cluster-status" -> ClusterStatus.run(a);
            case "attack" -> SlowBodyAttack.run(a);
            case "emulator-webhook" -> EmulatorBench.webhook(a.lng("events", 400_000), a.lng("warmup", 50_000), a.integer("batch", 1000),
                    a.integer("per-request", 1), a.str("protocol", "h1c"),
                    a.integer("queue-limit", 100_000), a.lng("seconds", 120), a.integer("users", 1),
                    new EmulatorBench.Pages(a.integer("page-clients", 0), "load".equals(a.str("pages-watch", "chatters")),
                            a.integer("chatters", 0), a.lng("chat-interval-ms", 1000)));
            case "emulator-push" -> EmulatorBench.push(a.lng("requests", 400_000), a.lng("warmup", 50_000), a.integer("in-flight", 128), a.lng("seconds", 60));
            default -> {
                System.err.println("unknown command " + args[0]);
                System.exit(2);
            }
        }
    }
}
