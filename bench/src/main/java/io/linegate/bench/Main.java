package io.linegate.bench;

/** {@code java -jar linegate-bench.jar bot|baseline|ceiling|gen|openloop --key=value ...} */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: bot|baseline|ceiling|gen|openloop --key=value ...");
            System.exit(2);
        }
        Args a = new Args(args, 1);
        switch (args[0]) {
            case "bot" -> BenchBot.run(a);
            case "baseline" -> Baseline.run(a);
            case "gen" -> GenBodies.run(a);
            case "openloop" -> OpenLoop.run(a);
            case "ceiling" -> Ceiling.run(a);
            default -> {
                System.err.println("unknown command " + args[0]);
                System.exit(2);
            }
        }
    }
}
