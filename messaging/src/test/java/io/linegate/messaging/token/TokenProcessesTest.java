package io.linegate.messaging.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.linegate.core.Secret;
import io.linegate.emulator.ChannelInfo;
import io.linegate.emulator.Emulator;
import io.linegate.store.Store;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several server processes, separate JVMs on one store, renewing short v2.1 tokens against the
 * emulator: they issue through the store's lease, so they all use the same token, the platform never
 * holds more than the current token and the one in its grace period, and its limit of 30 is never near.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class TokenProcessesTest {
    static final int PROCESSES = 4;
    static final int SECONDS = 14;

    @TempDir
    Path dir;

    @Test
    void severalProcessesShareOneV21TokenAndNeverApproachTheLimitOf30() throws Exception {
        try (Emulator emulator = Emulator.builder().port(0).rateLimits(false).start();
             Store observerStore = Store.sqlite(dir.resolve("observer"))) {
            ChannelInfo channel = emulator.defaultChannel();
            RSAKey generated = new RSAKeyGenerator(2048).generate();
            RSAKey key = new RSAKey.Builder(generated)
                    .keyID(emulator.registerAssertionKey(channel.channelId(), generated.toPublicJWK())).build();
            Path keyFile = Files.writeString(dir.resolve("assertion-key.json"), key.toJSONString());
            Path data = Files.createDirectories(dir.resolve("data"));

            List<Process> processes = new ArrayList<>();
            List<Path> outputs = new ArrayList<>();
            for (int i = 0; i < PROCESSES; i++) {
                Path out = dir.resolve("process-" + i + ".log");
                ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx128m", "-cp", System.getProperty("java.class.path"), TokenProcess.class.getName(),
                        data.toString(), emulator.baseUrl(), channel.channelId(), keyFile.toString(), String.valueOf(SECONDS))
                        .redirectErrorStream(true).redirectOutput(out.toFile());
                pb.environment().put("LINE_CHANNEL_SECRET", channel.channelSecret());
                processes.add(pb.start());
                outputs.add(out);
            }

            // Watch the platform's side while they run: the live v2.1 tokens of the channel.
            TokenManager observer = TokenManager.v21(channel.channelId(), Secret.of(channel.channelSecret(), "secret"), key,
                    Duration.ofMinutes(1)).store(observerStore.tokens()).apiBase(URI.create(emulator.baseUrl())).build();
            TokenEndpoints endpoints = new TokenEndpoints(URI.create(emulator.baseUrl()));
            int maxLive = 0;
            Instant end = Instant.now().plusSeconds(SECONDS + 30);
            while (processes.stream().anyMatch(Process::isAlive) && Instant.now().isBefore(end)) {
                maxLive = Math.max(maxLive, endpoints.v21KeyIds(observer.assertion(Instant.now())).size());
                Thread.sleep(100);
            }
            Set<String> used = new HashSet<>();
            for (int i = 0; i < PROCESSES; i++) {
                assertThat(processes.get(i).waitFor(30, TimeUnit.SECONDS)).isTrue();
                String log = Files.readString(outputs.get(i));
                assertThat(processes.get(i).exitValue()).as(log).isZero();
                assertThat(log).doesNotContain(channel.channelSecret());
                String line = log.lines().filter(l -> l.startsWith("USED ")).findFirst().orElseThrow();
                used.addAll(Arrays.asList(line.substring(5).split(" ")));
            }
            // A 12 s token renewed 8 s before expiry: one issue every ~4 s, about 4 in the run for ALL
            // processes together. Without the lease each process would issue its own: 4 times as many.
            assertThat(used).as("distinct tokens used by %d processes in %d s", PROCESSES, SECONDS).hasSizeBetween(2, 6);
            assertThat(maxLive).as("live v2.1 tokens at the platform").isBetween(1, 4);
        }
    }
}
