package io.linegate.bench.sending;

import io.linegate.bench.Args;

/**
 * The sending benchmarks of issue 4 ({@code bench/sending.sh}):
 * {@code java -cp linegate-bench.jar io.linegate.bench.sending.SendingMain push|campaign|campaign-emulator|campaign-start|campaign-run --key=value ...};
 * the JMH benchmark runs with {@code java -cp linegate-bench.jar org.openjdk.jmh.Main ClientOverhead}.
 */
public final class SendingMain {
    private SendingMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: push|campaign|campaign-emulator|campaign-start|campaign-run --key=value ...");
            System.exit(2);
        }
        Args o = new Args(args, 1);
        int rc = switch (args[0]) {
            case "push" -> PushAtLimit.run(o);
            case "campaign" -> CampaignKill.run(o);
            case "campaign-emulator" -> CampaignEmulator.run(o);
            case "campaign-start" -> CampaignRunner.start(o);
            case "campaign-run" -> CampaignRunner.run(o);
            default -> {
                System.err.println("unknown command " + args[0]);
                yield 2;
            }
        };
        System.exit(rc);
    }
}
