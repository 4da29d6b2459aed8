package io.linegate.bench.sending;

import io.linegate.bench.Args;

import io.linegate.emulator.Emulator;
import java.util.concurrent.CountDownLatch;

/**
 * The emulator in a JVM of its own for the sending benchmarks (what {@code linegate emulator} does, without
 * needing the CLI jar): {@code --port --channel-id --channel-secret --rate-limit-scale --validate --inbox-limit}. Prints
 * {@code base_url=}, {@code channel_id=}, {@code channel_secret=} and {@code access_token=} lines, then runs until killed.
 */
final class CampaignEmulator {
    private CampaignEmulator() {
    }

    static int run(Args o) throws Exception {
        io.linegate.emulator.EmulatorConfig config = new io.linegate.emulator.EmulatorConfig();
        // 0 keeps no inboxes: a million-recipient campaign then costs the emulator only its delivery summary.
        config.inboxLimit = o.integer("inbox-limit", 1000);
        Emulator.Builder b = Emulator.builder().config(config).port(o.integer("port", 0))
                .rateLimitScale(o.dbl("rate-limit-scale", 1))
                .validateRequests(o.bool("validate", false));
        String id = o.str("channel-id", "");
        if (!id.isEmpty()) {
            b.channelId(id);
        }
        String secret = o.str("channel-secret", "");
        if (!secret.isEmpty()) {
            b.channelSecret(secret);
        }
        Emulator e = b.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            e.close();
            stopped.countDown();
        }));
        // A local, throwaway credential of the test channel: the driver passes it to the sending process.
        System.out.println("base_url=" + e.baseUrl());
        System.out.println("channel_id=" + e.defaultChannel().channelId());
        System.out.println("channel_secret=" + e.defaultChannel().channelSecret());
        System.out.println("access_token=" + e.defaultChannel().accessToken());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
