package io.linegate.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.bot.messaging.model.TextMessage;
import io.linegate.core.Json;
import io.linegate.core.Secret;
import io.linegate.emulator.Emulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Concurrent senders are not held to the SDK's default of 5 requests in flight per host: with a slow
 * platform that cap, not LINE's rate limit, decided how fast a bot could push (found by bench/sending.sh:
 * 875 pushes/s against the emulator with spec validation on, where the limit is 2,000/s).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MessageSenderConcurrencyTest {
    static final int PUSHES = 60;
    static final int LATENCY_MS = 300;

    @Test
    void pushesFromManyThreadsAreInFlightTogether() throws Exception {
        try (Emulator emulator = Emulator.builder().port(0).start()) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String user = Json.mapper().readTree(http.send(post(emulator, "/users", "{\"displayName\":\"A\"}"),
                    HttpResponse.BodyHandlers.ofString()).body()).path("userId").asText();
            // Every push takes 300 ms at the platform: 60 of them take 12 rounds (3.6 s) with 5 in flight.
            HttpResponse<String> fault = http.send(post(emulator, "/faults",
                    "{\"endpoint\":\"/v2/bot/message/push\",\"latencyMs\":" + LATENCY_MS + ",\"count\":" + PUSHES + "}"),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(fault.statusCode()).as(fault.body()).isBetween(200, 299);
            MessageSender sender = MessageSender.builder(URI.create(emulator.baseUrl()),
                    Secret.of(emulator.defaultChannel().accessToken(), "token")).build();

            ExecutorService pool = Executors.newFixedThreadPool(PUSHES);
            try {
                long start = System.nanoTime();
                List<Future<SendResult>> sent = new ArrayList<>();
                for (int i = 0; i < PUSHES; i++) {
                    int k = i;
                    sent.add(pool.submit(() -> sender.push(user, List.of(new TextMessage("m" + k)))));
                }
                for (Future<SendResult> f : sent) {
                    assertThat(f.get().requestId()).isNotBlank();
                }
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                // Together they take about one latency (plus connection set-up on a busy machine); with 5 in
                // flight it would be 3.6 s.
                assertThat(took).isLessThan(Duration.ofMillis(LATENCY_MS * 7L));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * A multicast to 500 users (about 17 KB) is not held back by Nagle's algorithm until the platform's
     * delayed ACK (40 ms on Linux): found by bench/sending.sh campaign, where every batch took 45 ms on
     * loopback while curl took 7 ms for the same request.
     */
    @Test
    void largeRequestsDoNotWaitForTheDelayedAck() throws Exception {
        try (Emulator emulator = Emulator.builder().port(0).validateRequests(false).start()) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> bulk = http.send(post(emulator, "/users/bulk", "{\"start\":0,\"count\":500}"),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(bulk.statusCode()).as(bulk.body()).isBetween(200, 299);
            List<String> to = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                to.add("U" + String.format("%032x", i));
            }
            MessageSender sender = MessageSender.builder(URI.create(emulator.baseUrl()),
                    Secret.of(emulator.defaultChannel().accessToken(), "token")).build();
            List<Long> millis = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                long start = System.nanoTime();
                sender.multicast(UUID.randomUUID(), to, List.of(new TextMessage("m" + i)));
                millis.add((System.nanoTime() - start) / 1_000_000);
            }
            Collections.sort(millis);
            // With Nagle on, every one of them takes 40 ms or more.
            assertThat(millis.get(millis.size() / 2)).as("median of %s ms", millis).isLessThan(30L);
        }
    }

    static HttpRequest post(Emulator e, String path, String body) {
        return HttpRequest.newBuilder(URI.create(e.baseUrl() + "/control/v1" + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
