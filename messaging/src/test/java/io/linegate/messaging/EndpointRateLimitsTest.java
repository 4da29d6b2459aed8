package io.linegate.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.bot.messaging.model.TextMessage;
import io.linegate.core.Json;
import io.linegate.core.Secret;
import io.linegate.emulator.Emulator;
import io.linegate.store.Store;
import io.linegate.store.TestPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.MINUTES)
class EndpointRateLimitsTest {
    @Test
    void endpointsAreClassifiedByTheRateLimitTable() {
        assertThat(EndpointRateLimits.limitOf("POST", "/v2/bot/message/push")).isEqualTo(EndpointRateLimits.DEFAULT);
        assertThat(EndpointRateLimits.limitOf("POST", "/v2/bot/message/multicast")).isEqualTo(EndpointRateLimits.PER_SECOND_200);
        assertThat(EndpointRateLimits.limitOf("POST", "/v2/bot/message/broadcast")).isEqualTo(EndpointRateLimits.PER_HOUR_60);
        assertThat(EndpointRateLimits.limitOf("POST", "/v2/bot/message/narrowcast")).isEqualTo(EndpointRateLimits.PER_HOUR_60);
        assertThat(EndpointRateLimits.limitOf("GET", "/v2/bot/channel/webhook/endpoint")).isEqualTo(EndpointRateLimits.WEBHOOK_ENDPOINT);
        assertThat(EndpointRateLimits.limitOf("POST", "/v2/bot/richmenu/batch")).isEqualTo(EndpointRateLimits.RICH_MENU_BATCH);
        assertThat(EndpointRateLimits.limitOf("POST", "/v2/bot/richmenu")).isEqualTo(EndpointRateLimits.RICH_MENU_CHANGE);
        assertThat(EndpointRateLimits.limitOf("GET", "/v2/bot/richmenu/richmenu-88c05ef6921ae53f8b58a25f3a65faf7"))
                .isEqualTo(EndpointRateLimits.DEFAULT);
        assertThat(EndpointRateLimits.limitOf("POST", "/v2/oauth/accessToken")).isEqualTo(EndpointRateLimits.SHORT_LIVED_TOKEN);
        assertThat(EndpointRateLimits.limitOf("POST", "/v2/bot/chat/loading/start")).isEqualTo(EndpointRateLimits.LOADING);
        assertThat(EndpointRateLimits.endpointOf("GET", "/v2/bot/profile/U0123456789abcdef0123456789abcdef"))
                .isEqualTo("GET /v2/bot/profile/{id}");
        assertThat(EndpointRateLimits.endpointOf("POST", "/v2/bot/message/push")).isNotEqualTo(EndpointRateLimits.endpointOf("GET", "/v2/bot/message/push"));
    }

    /** Pushes {@code n} messages from 4 threads as fast as they go; returns how many got a 429. */
    static int pushFlat(MessageSender sender, String user, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                results.add(pool.submit(() -> {
                    try {
                        sender.push(user, List.of(new TextMessage("m" + k)));
                        return false;
                    } catch (LineApiException.TooManyRequests e) {
                        return true;
                    }
                }));
            }
            int limited = 0;
            for (Future<Boolean> f : results) {
                limited += f.get() ? 1 : 0;
            }
            return limited;
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aSenderAtFullSpeedWaitsForItsTurnInsteadOfCollecting429s() throws Exception {
        double scale = 0.005; // push: 10 per second on both sides
        try (Emulator emulator = Emulator.builder().port(0).rateLimitScale(scale).start()) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String user = Json.mapper().readTree(http.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/control/v1/users"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"displayName\":\"A\"}")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).path("userId").asText();
            Secret token = Secret.of(emulator.defaultChannel().accessToken(), "token");

            // Control: without the client-side limit (scale 1 against a scaled emulator), LINE answers 429.
            MessageSender unlimited = MessageSender.builder(URI.create(emulator.baseUrl()), token)
                    .retries(1, Duration.ofMillis(1), Duration.ofMillis(1)).build();
            assertThat(pushFlat(unlimited, user, 40)).isGreaterThan(0);
            Thread.sleep(1_100); // let the emulator's bucket refill

            MessageSender limited = MessageSender.builder(URI.create(emulator.baseUrl()), token)
                    .retries(1, Duration.ofMillis(1), Duration.ofMillis(1)).rateLimitScale(scale).build();
            long start = System.nanoTime();
            assertThat(pushFlat(limited, user, 30)).isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(2_000));
        }
    }

    @Test
    void processesSharingTheStoreShareTheLimit(@TempDir Path dir) throws Exception {
        try (Store a = Store.sqlite(dir);
             Store b = Store.sqlite(dir)) {
            shareTheLimit(a, b);
        }
    }

    @Test
    void nodesSharingAPostgresStoreShareTheLimit() throws Exception {
        String location = TestPostgres.server().newDatabase();
        try (Store a = Store.open(location);
             Store b = Store.open(location)) {
            shareTheLimit(a, b);
        }
    }

    @Test
    void nodesOfAClusterKeepToTheirSlicesWithoutTouchingTheStorePerSend() throws Exception {
        String location = TestPostgres.server().newDatabase();
        try (Store a = Store.open(location);
             Store b = Store.open(location)) {
            // Two nodes: each heartbeats until the other has seen it, and then holds half of each limit.
            for (int i = 0; i < 3; i++) {
                a.cluster().heartbeat(Set.of(), Duration.ofSeconds(30));
                b.cluster().heartbeat(Set.of(), Duration.ofSeconds(30));
            }
            assertThat(a.cluster().share()).isEqualTo(0.5);
            assertThat(b.cluster().share()).isEqualTo(0.5);
            double scale = 0.005; // push: 10 per second
            try (Emulator emulator = Emulator.builder().port(0).rateLimitScale(scale).start()) {
                Secret token = Secret.of(emulator.defaultChannel().accessToken(), "token");
                URI api = URI.create(emulator.baseUrl());
                String user = "U0123456789abcdef0123456789abcdef";
                MessageSender one = MessageSender.builder(api, token).retries(1, Duration.ofMillis(1), Duration.ofMillis(1))
                        .rateLimitScale(scale).rateLimitShare(a.cluster()::share).build();
                MessageSender two = MessageSender.builder(api, token).retries(1, Duration.ofMillis(1), Duration.ofMillis(1))
                        .rateLimitScale(scale).rateLimitShare(b.cluster()::share).build();
                assertThat(together(one, two, user, 30)).isZero();
            }
        }
    }

    @Test
    void aNodeThatJoinsSendsNothingUntilTheOthersHaveShrunkTheirShare() {
        String location = TestPostgres.server().newDatabase();
        try (Store a = Store.open(location);
             Store b = Store.open(location)) {
            assertThat(a.cluster().share()).as("not a node before its first heartbeat").isNaN();
            a.cluster().heartbeat(Set.of(), Duration.ofSeconds(30));
            assertThat(a.cluster().share()).as("alone").isEqualTo(1.0);
            b.cluster().heartbeat(Set.of(), Duration.ofSeconds(30));
            assertThat(b.cluster().share()).as("a has not seen b yet: b takes none").isZero();
            b.cluster().heartbeat(Set.of(), Duration.ofSeconds(30));
            assertThat(b.cluster().share()).as("still not seen by a").isZero();
            a.cluster().heartbeat(Set.of(), Duration.ofSeconds(30));
            assertThat(a.cluster().share()).isEqualTo(0.5);
            b.cluster().heartbeat(Set.of(), Duration.ofSeconds(30));
            assertThat(b.cluster().share()).isEqualTo(0.5);
            b.cluster().leave();
            a.cluster().heartbeat(Set.of(), Duration.ofSeconds(30));
            assertThat(a.cluster().share()).as("b left").isEqualTo(1.0);
        }
    }

    /** Two senders, each on its own handle of one store (two processes, or two nodes). */
    static void shareTheLimit(Store a, Store b) throws Exception {
        double scale = 0.005; // push: 10 per second
        try (Emulator emulator = Emulator.builder().port(0).rateLimitScale(scale).start()) {
            Secret token = Secret.of(emulator.defaultChannel().accessToken(), "token");
            URI api = URI.create(emulator.baseUrl());
            String channel = emulator.defaultChannel().channelId();
            String user = "U0123456789abcdef0123456789abcdef";

            // Control: two processes each keeping the limit on their own send twice the limit together.
            MessageSender alone1 = MessageSender.builder(api, token).retries(1, Duration.ofMillis(1), Duration.ofMillis(1))
                    .rateLimitScale(scale).build();
            MessageSender alone2 = MessageSender.builder(api, token).retries(1, Duration.ofMillis(1), Duration.ofMillis(1))
                    .rateLimitScale(scale).build();
            assertThat(together(alone1, alone2, user, 40)).isGreaterThan(0);
            Thread.sleep(1_100);

            MessageSender shared1 = MessageSender.builder(api, token).retries(1, Duration.ofMillis(1), Duration.ofMillis(1))
                    .rateLimitScale(scale).shareRateLimits(a.rateBuckets(), channel).build();
            MessageSender shared2 = MessageSender.builder(api, token).retries(1, Duration.ofMillis(1), Duration.ofMillis(1))
                    .rateLimitScale(scale).shareRateLimits(b.rateBuckets(), channel).build();
            assertThat(together(shared1, shared2, user, 30)).isZero();
        }
    }

    /** Both senders push {@code each} messages at the same time; returns how many got a 429. */
    static int together(MessageSender one, MessageSender two, String user, int each) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> f1 = pool.submit(() -> pushFlat(one, user, each));
            Future<Integer> f2 = pool.submit(() -> pushFlat(two, user, each));
            return f1.get() + f2.get();
        } finally {
            pool.shutdown();
        }
    }
}
