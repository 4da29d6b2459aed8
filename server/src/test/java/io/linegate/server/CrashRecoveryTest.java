package io.linegate.server;

import static io.linegate.webhook.Webhooks.body;
import static io.linegate.webhook.Webhooks.text;
import static io.linegate.webhook.Webhooks.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linegate.core.Ulid;
import io.linegate.core.WebhookSignature;
import io.linegate.store.Store;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a 200, a SIGKILL loses nothing: a child JVM is killed in the middle of a burst, restarted on
 * the same data directory, and every acknowledged event is then handled at least once, and exactly
 * once as far as effects committed with the done-mark go.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class CrashRecoveryTest {
    @TempDir
    Path dir;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    Process start(Path data, Path portFile) throws Exception {
        Files.deleteIfExists(portFile);
        Process p = ChildJvm.start(CrashTestBot.class, dir.resolve("child-" + System.nanoTime() + ".log"), List.of("-Xmx256m"),
                data.toString(), portFile.toString());
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(portFile) && !Files.readString(portFile).isEmpty());
        return p;
    }

    /** The webhook's port; {@link #adminPort} is the admin listener's. */
    int port(Path portFile) throws Exception {
        return Integer.parseInt(Files.readString(portFile).trim().split(" ")[0]);
    }

    int adminPort(Path portFile) throws Exception {
        return Integer.parseInt(Files.readString(portFile).trim().split(" ")[1]);
    }

    @Test
    void everyAcknowledgedEventIsHandledAfterAKill9() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Path portFile = dir.resolve("port");
        Process child = start(data, portFile);
        URI webhook = URI.create("http://127.0.0.1:" + port(portFile) + "/webhook");

        Map<String, String> acked = new ConcurrentHashMap<>(); // event id -> user
        AtomicBoolean killed = new AtomicBoolean();
        AtomicInteger failedAfterKill = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(8);
        for (int t = 0; t < 8; t++) {
            senders.submit(() -> {
                for (int i = 0; i < 2_000 && failedAfterKill.get() < 50; i++) {
                    String userId = user(ThreadLocalRandomHolder.next(40));
                    String id = Ulid.next();
                    byte[] body = body(text(userId, id, "burst", false));
                    try {
                        HttpResponse<Void> res = http.send(HttpRequest.newBuilder(webhook)
                                .timeout(Duration.ofSeconds(5))
                                .header("x-line-signature", WebhookSignature.sign(CrashTestBot.SECRET, body))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                                HttpResponse.BodyHandlers.discarding());
                        if (res.statusCode() == 200) {
                            acked.put(id, userId);
                        }
                    } catch (Exception e) {
                        if (killed.get()) {
                            failedAfterKill.incrementAndGet();
                        }
                    }
                }
                return null;
            });
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() >= 1_500);
        child.destroyForcibly(); // SIGKILL
        killed.set(true);
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(137); // 128 + SIGKILL
        senders.shutdown();
        assertThat(senders.awaitTermination(120, TimeUnit.SECONDS)).isTrue();

        List<String> beforeRestart = Files.readAllLines(data.resolve("effects.log"));
        long waitingAtKill = acked.keySet().stream().filter(id -> !beforeRestart.contains(id)).count();
        assertThat(waitingAtKill).as("acknowledged events not yet handled when the kill came").isGreaterThan(100);

        Process again = start(data, portFile);
        URI admin = URI.create("http://127.0.0.1:" + adminPort(portFile) + "/admin/controls");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> http.send(
                HttpRequest.newBuilder(admin).header("Authorization", "Bearer " + CrashTestBot.ADMIN.reveal()).build(),
                HttpResponse.BodyHandlers.ofString()).body().contains("\"backlog\":0"));
        again.destroy(); // SIGTERM: graceful
        assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();

        List<String> effects = Files.readAllLines(data.resolve("effects.log"));
        assertThat(effects).containsAll(acked.keySet()); // at least once
        try (Store store = Store.sqlite(data)) {
            Map<String, Map<String, String>> states = new HashMap<>();
            for (Map.Entry<String, String> e : acked.entrySet()) {
                Map<String, String> state = states.computeIfAbsent(e.getValue(), u -> store.conversations().state("user:" + u));
                assertThat(state.get("n:" + e.getKey())).as("event %s handled exactly once", e.getKey()).isEqualTo("1");
            }
            states.values().forEach(s -> assertThat(s.values()).allMatch("1"::equals));
            assertThat(store.journal().pending(0, 10)).isEmpty();
        }
    }

    /** Random users without sharing one Random across threads. */
    static final class ThreadLocalRandomHolder {
        static int next(int bound) {
            return ThreadLocalRandom.current().nextInt(bound);
        }
    }
}
