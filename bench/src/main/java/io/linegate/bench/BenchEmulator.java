package io.linegate.bench;

import io.linegate.emulator.Emulator;
import io.linegate.emulator.EmulatorConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CountDownLatch;

/**
 * The LINE Platform emulator for benchmarks whose bots send ({@code bot --push=true}): on 127.0.0.1:{@code --port},
 * its rate limits and request validation off (linegate's own limiter is what is measured), its default channel's
 * access token written to {@code --token-file} (owner-only) for the bots, never printed. Runs until killed.
 */
final class BenchEmulator {
    private BenchEmulator() {
    }

    static void run(Args a) throws Exception {
        int port = a.integer("port", 18130);
        Path tokenFile = Path.of(a.str("token-file", null));
        EmulatorConfig cfg = new EmulatorConfig();
        cfg.validateRequests = false;
        Emulator emulator = Emulator.builder().port(port).config(cfg).rateLimits(false).build().start();
        Files.deleteIfExists(tokenFile);
        Files.createFile(tokenFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tokenFile, emulator.defaultChannel().accessToken(), StandardCharsets.UTF_8);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.close();
            stopped.countDown();
        }, "emulator-shutdown"));
        System.out.printf("emulator ready on %s (token in %s)%n", emulator.baseUrl(), tokenFile);
        System.out.flush();
        stopped.await();
    }
}
