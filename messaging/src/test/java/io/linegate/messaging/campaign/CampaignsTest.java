package io.linegate.messaging.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.bot.messaging.model.TextMessage;
import io.linegate.core.Json;
import io.linegate.core.Secret;
import io.linegate.emulator.Emulator;
import io.linegate.messaging.MessageSender;
import io.linegate.store.CampaignStore.Campaign;
import io.linegate.store.Store;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CampaignsTest {
    @TempDir
    Path dir;
    Emulator emulator;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final List<Store> stores = new ArrayList<>();

    @BeforeEach
    void start() {
        emulator = Emulator.builder().port(0).rateLimits(false).start();
    }

    @AfterEach
    void stop() {
        stores.forEach(Store::close);
        emulator.close();
    }

    Store store() {
        Store s = Store.sqlite(dir);
        stores.add(s);
        return s;
    }

    JsonNode control(String method, String path, String body) throws Exception {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/control/v1" + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isBetween(200, 299);
        return res.body().isEmpty() ? Json.mapper().createObjectNode() : Json.mapper().readTree(res.body());
    }

    List<String> friends(int n) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = control("POST", "/users", "{\"displayName\":\"u" + i + "\"}").path("userId").asText();
            control("POST", "/users/" + id + "/follow", "{}");
            ids.add(id);
        }
        return ids;
    }

    int received(String user) throws Exception {
        return control("GET", "/users/" + user + "/inbox", null).path("messages").size();
    }

    MessageSender sender(int attempts) {
        return MessageSender.builder(URI.create(emulator.baseUrl()), Secret.of(emulator.defaultChannel().accessToken(), "token"))
                .retries(attempts, Duration.ofMillis(10), Duration.ofMillis(50))
                .timeouts(Duration.ofSeconds(2), Duration.ofSeconds(1)).build();
    }

    @Test
    void aCampaignResumedAfterACrashDeliversEveryBatchExactlyOnce() throws Exception {
        List<String> users = friends(1_100); // batches of 500, 500 and 100
        Store storeA = store();
        Campaigns a = new Campaigns(storeA.campaigns(), sender(1), Clock.systemUTC());
        long id = a.start("winter sale", List.of(new TextMessage("Winter sale!")), users, 100_000, Instant.now());
        // The first batch reaches LINE but its answer is lost, and this process dies before recording it.
        control("POST", "/faults", "{\"endpoint\":\"/v2/bot/message/multicast\",\"acceptedButLostRate\":1.0,\"count\":1}");
        Thread first = new Thread(() -> {
            try {
                a.runUntilIdle();
            } catch (InterruptedException | RuntimeException e) {
                // the "crash", wherever the interrupt lands
            }
        });
        Thread.sleep(10);
        first.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> received(users.get(0)) == 1);
        first.interrupt();
        first.join(10_000);
        Campaign afterCrash = storeA.campaigns().campaign(id).orElseThrow();
        assertThat(afterCrash.state()).isEqualTo("running");
        assertThat(afterCrash.sentBatches()).isZero(); // delivered, but not recorded as sent

        Campaigns b = new Campaigns(store().campaigns(), sender(3), Clock.systemUTC()); // the restarted process
        b.runUntilIdle();
        Campaign done = b.status(id).orElseThrow();
        assertThat(done.state()).isEqualTo("done");
        assertThat(done.sentBatches()).isEqualTo(3);
        assertThat(done.sentRecipients()).isEqualTo(1_100);
        for (String u : users) {
            assertThat(received(u)).as("messages received by %s", u).isEqualTo(1);
        }
    }

    @Test
    void batchesArePacedAtTheConfiguredRate() throws Exception {
        List<String> users = friends(30);
        List<String> twice = new ArrayList<>(users);
        twice.addAll(users); // listed twice, sent once
        Campaigns c = new Campaigns(store().campaigns(), sender(3), Clock.systemUTC());
        long id = c.start("paced", List.of(new TextMessage("hi")), twice, 20, Instant.now());
        long start = System.nanoTime();
        c.runUntilIdle();
        assertThat(c.status(id).orElseThrow().recipients()).isEqualTo(30);
        // One batch of 30 at 20 recipients/s: the runner waits 1.5 s before looking for more.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1_400));
        assertThat(received(users.get(0))).isEqualTo(1);
    }

    @Test
    void pausedAndCancelledCampaignsSendNothingAndBadInputIsRefusedUpFront() throws Exception {
        List<String> users = friends(3);
        Campaigns c = new Campaigns(store().campaigns(), sender(3), Clock.systemUTC());
        long paused = c.start("paused", List.of(new TextMessage("p")), users, 1_000, Instant.now());
        long cancelled = c.start("cancelled", List.of(new TextMessage("c")), users, 1_000, Instant.now());
        assertThat(c.pause(paused)).isTrue();
        assertThat(c.cancel(cancelled)).isTrue();
        assertThat(c.resume(cancelled)).isFalse();
        c.runUntilIdle();
        assertThat(received(users.get(0))).isZero();
        assertThat(c.resume(paused)).isTrue();
        c.runUntilIdle();
        assertThat(received(users.get(0))).isEqualTo(1);

        assertThatThrownBy(() -> c.start("bad", List.of(new TextMessage("x")), List.of(users.get(0), "Cgroup"), 1, Instant.now()))
                .hasMessageContaining("recipient 2");
        assertThatThrownBy(() -> c.start("bad", List.of(new TextMessage("")), users, 1, Instant.now()))
                .hasMessageContaining("messages[0].text");
        assertThat(c.all()).hasSize(2);
    }

    @Test
    void aNarrowcastCampaignIsFollowedUntilLineReportsItSucceeded() throws Exception {
        List<String> users = friends(3);
        Campaigns c = new Campaigns(store().campaigns(), sender(3), Clock.systemUTC());
        long id = c.startNarrowcast("to every friend", List.of(new TextMessage("Hello, friends")), null, Instant.now());
        c.runUntilIdle();
        Campaign done = c.status(id).orElseThrow();
        assertThat(done.state()).isEqualTo("done");
        assertThat(done.mode()).isEqualTo("narrowcast");
        assertThat(done.detail()).startsWith("success ");
        for (String u : users) {
            assertThat(received(u)).isEqualTo(1);
        }
    }
}
