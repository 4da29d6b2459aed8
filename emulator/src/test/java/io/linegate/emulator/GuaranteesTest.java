package io.linegate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linegate.core.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Retry keys, reply-token expiry, non-friend sends, narrowcast progress, rate limits: one test per guarantee. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class GuaranteesTest extends ReceiverFixture {
    MutableClock clock;
    String token;

    @BeforeEach
    void start() {
        clock = MutableClock.now();
        startEmulator(b -> b.clock(clock));
        token = emulator.defaultChannel().accessToken();
    }

    Map<String, String> withKey(String key) {
        return Map.of("X-Line-Retry-Key", key, "Authorization", "Bearer " + token);
    }

    @Test
    void retryOfAcceptedPushIs409WithAcceptedRequestIdAndSentMessages() throws Exception {
        String u = friend("Alice");
        String key = UUID.randomUUID().toString();
        String body = "{\"to\":\"" + u + "\",\"messages\":[{\"type\":\"text\",\"text\":\"once\"}]}";
        Http.Res first = http.post("/v2/bot/message/push", body, withKey(key));
        assertThat(first.status()).isEqualTo(200);
        Http.Res retry = http.post("/v2/bot/message/push", body, withKey(key));
        assertThat(retry.status()).isEqualTo(409);
        assertThat(retry.json().path("message").asText()).isEqualTo("The retry key is already accepted");
        assertThat(retry.header("x-line-accepted-request-id")).isEqualTo(first.header("x-line-request-id"));
        assertThat(retry.header("x-line-request-id")).isNotEqualTo(first.header("x-line-request-id"));
        assertThat(retry.json().path("sentMessages")).isEqualTo(first.json().path("sentMessages"));
        assertThat(control.get("/control/v1/users/" + u + "/inbox").json().path("messages")).hasSize(1);

        // Remembered for 24 hours, then the same key is a new request.
        clock.advance(Duration.ofHours(24).plusSeconds(1));
        assertThat(http.post("/v2/bot/message/push", body, withKey(key)).status()).isEqualTo(200);
        assertThat(control.get("/control/v1/users/" + u + "/inbox").json().path("messages")).hasSize(2);
    }

    @Test
    void multicastRetryIs409WithoutSentMessages() throws Exception {
        String u = friend("Bob");
        String key = UUID.randomUUID().toString();
        String body = "{\"to\":[\"" + u + "\"],\"messages\":[{\"type\":\"text\",\"text\":\"x\"}]}";
        assertThat(http.post("/v2/bot/message/multicast", body, withKey(key)).status()).isEqualTo(200);
        Http.Res retry = http.post("/v2/bot/message/multicast", body, withKey(key));
        assertThat(retry.status()).isEqualTo(409);
        assertThat(retry.json().has("sentMessages")).isFalse();
    }

    @Test
    void retryAfterANonAcceptedFailureIsProcessedNormally() throws Exception {
        String u = friend("Carol");
        String key = UUID.randomUUID().toString();
        Http.Res failed = http.post("/v2/bot/message/push", "{\"to\":\"" + u + "\",\"messages\":[]}", withKey(key));
        assertThat(failed.status()).isEqualTo(400);
        Http.Res ok = http.post("/v2/bot/message/push", "{\"to\":\"" + u + "\",\"messages\":[{\"type\":\"text\",\"text\":\"x\"}]}", withKey(key));
        assertThat(ok.status()).isEqualTo(200);
    }

    @Test
    void replyTokenExpiresOneMinuteAfterDelivery() throws Exception {
        String u = friend("Dave");
        String t1 = control.post("/control/v1/users/" + u + "/messages", "{\"type\":\"text\",\"text\":\"1\"}").json().path("replyToken").asText();
        receiver.take();
        clock.advance(Duration.ofSeconds(61));
        Http.Res late = http.post("/v2/bot/message/reply", "{\"replyToken\":\"" + t1 + "\",\"messages\":[{\"type\":\"text\",\"text\":\"x\"}]}");
        assertThat(late.status()).isEqualTo(400);
        assertThat(late.json().path("message").asText()).isEqualTo("Invalid reply token");

        String t2 = control.post("/control/v1/users/" + u + "/messages", "{\"type\":\"text\",\"text\":\"2\"}").json().path("replyToken").asText();
        receiver.take();
        clock.advance(Duration.ofSeconds(59));
        assertThat(http.post("/v2/bot/message/reply", "{\"replyToken\":\"" + t2 + "\",\"messages\":[{\"type\":\"text\",\"text\":\"x\"}]}").status()).isEqualTo(200);
    }

    @Test
    void standbyEventsHaveNoReplyToken() throws Exception {
        String u = friend("Erin");
        Http.Res r = control.post("/control/v1/users/" + u + "/messages", "{\"type\":\"text\",\"text\":\"x\",\"mode\":\"standby\"}");
        assertThat(r.json().has("replyToken")).isFalse();
        JsonNode e = Json().readTree(receiver.take().contentUtf8()).path("events").get(0);
        assertThat(e.path("mode").asText()).isEqualTo("standby");
        assertThat(e.has("replyToken")).isFalse();
    }

    private static ObjectMapper Json() {
        return Json.mapper();
    }

    @Test
    void sendsToNonFriendsAndBlockersAnswer200AndDeliverNothing() throws Exception {
        String stranger = control.post("/control/v1/users", "{\"displayName\":\"Stranger\"}").json().path("userId").asText();
        Http.Res push = http.post("/v2/bot/message/push", "{\"to\":\"" + stranger + "\",\"messages\":[{\"type\":\"text\",\"text\":\"x\"}]}");
        assertThat(push.status()).isEqualTo(200);
        assertThat(push.json().path("sentMessages")).hasSize(1);
        assertThat(control.get("/control/v1/users/" + stranger + "/inbox").json().path("messages")).isEmpty();
        assertThat(http.get("/v2/bot/profile/" + stranger).status()).isEqualTo(404);

        String blocker = friend("Blocker");
        assertThat(http.get("/v2/bot/profile/" + blocker).json().path("displayName").asText()).isEqualTo("Blocker");
        control.post("/control/v1/users/" + blocker + "/block", "");
        assertThat(Json().readTree(receiver.take().contentUtf8()).path("events").get(0).path("type").asText()).isEqualTo("unfollow");
        assertThat(http.post("/v2/bot/message/push", "{\"to\":\"" + blocker + "\",\"messages\":[{\"type\":\"text\",\"text\":\"x\"}]}").status()).isEqualTo(200);
        assertThat(control.get("/control/v1/users/" + blocker + "/inbox").json().path("messages")).isEmpty();
        control.post("/control/v1/users/" + blocker + "/unblock", "");
        assertThat(Json().readTree(receiver.take().contentUtf8()).path("events").get(0).path("follow").path("isUnblocked").asBoolean()).isTrue();
    }

    @Test
    void narrowcastAnswers202AndProgressesThroughPhases() throws Exception {
        String u = friend("Gina");
        Http.Res r = http.post("/v2/bot/message/narrowcast", "{\"messages\":[{\"type\":\"text\",\"text\":\"all\"}]}");
        assertThat(r.status()).isEqualTo(202);
        String id = r.header("x-line-request-id");
        assertThat(http.get("/v2/bot/message/progress/narrowcast?requestId=" + id).json().path("phase").asText()).isEqualTo("waiting");
        clock.advance(Duration.ofMillis(250));
        assertThat(http.get("/v2/bot/message/progress/narrowcast?requestId=" + id).json().path("phase").asText()).isEqualTo("sending");
        clock.advance(Duration.ofSeconds(1));
        JsonNode done = http.get("/v2/bot/message/progress/narrowcast?requestId=" + id).json();
        assertThat(done.path("phase").asText()).isEqualTo("succeeded");
        assertThat(done.path("successCount").asInt()).isEqualTo(1);
        assertThat(done.path("targetCount").asInt()).isEqualTo(1);
        assertThat(control.get("/control/v1/users/" + u + "/inbox").json().path("messages").get(0).path("via").asText()).isEqualTo("narrowcast");
        assertThat(http.get("/v2/bot/message/progress/narrowcast?requestId=nope").status()).isEqualTo(404);

        // A demographic filter needs a target reach of 100: with fewer friends the request is refused
        // (too few recipients after targeting fail later, on progress: NarrowcastTargetingTest).
        Http.Res targeted = http.post("/v2/bot/message/narrowcast", "{\"messages\":[{\"type\":\"text\",\"text\":\"x\"}],\"filter\":{\"demographic\":{\"type\":\"gender\",\"oneOf\":[\"male\"]}}}");
        assertThat(targeted.status()).isEqualTo(403);
        assertThat(targeted.json().path("message").asText()).isEqualTo("Your account does not have enough friends");
    }

    @Test
    void broadcastIsLimitedTo60PerHour() {
        String body = "{\"messages\":[{\"type\":\"text\",\"text\":\"x\"}]}";
        for (int i = 0; i < 60; i++) {
            assertThat(http.post("/v2/bot/message/broadcast", body).status()).as("request %d", i).isEqualTo(200);
        }
        Http.Res limited = http.post("/v2/bot/message/broadcast", body);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.json().path("message").asText()).isEqualTo("The API rate limit has been exceeded. Try again later.");
        clock.advance(Duration.ofMinutes(1)); // the bucket refills gradually: one request per minute
        assertThat(http.post("/v2/bot/message/broadcast", body).status()).isEqualTo(200);
        assertThat(http.post("/v2/bot/message/broadcast", body).status()).isEqualTo(429);
    }

    @Test
    void redeliveredReplyTokenIsValidAMinuteButNeverPast20MinutesAfterTheEvent() throws Exception {
        Http.Res on = control.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl()
                + "/control/v1/channels/" + emulator.defaultChannel().channelId() + "/settings"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"redelivery\":true}")), false);
        assertThat(on.status()).isEqualTo(200);
        String u = friend("Hank");
        // The receiver records a request before answering it: let the follow's 200 complete first.
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> control.get("/control/v1/deliveries").json().path("deliveries").size() == 1);
        receiver.status = 500;
        String token = control.post("/control/v1/users/" + u + "/messages", "{\"type\":\"text\",\"text\":\"x\"}")
                .json().path("replyToken").asText();
        receiver.take(); // the failed delivery
        clock.advance(Duration.ofMinutes(19).plusSeconds(30)); // the redelivery happens 19.5 min after the event
        receiver.status = 200;
        JsonNode again = Json().readTree(receiver.take().contentUtf8()).path("events").get(0);
        assertThat(again.path("deliveryContext").path("isRedelivery").asBoolean()).isTrue();
        assertThat(again.path("replyToken").asText()).isEqualTo(token);
        clock.advance(Duration.ofSeconds(31)); // within a minute of the redelivery, but past 20 minutes
        Http.Res late = http.post("/v2/bot/message/reply", "{\"replyToken\":\"" + token + "\",\"messages\":[{\"type\":\"text\",\"text\":\"x\"}]}");
        assertThat(late.status()).isEqualTo(400);
        assertThat(late.json().path("message").asText()).isEqualTo("Invalid reply token");
    }

    @Test
    void monthlyQuotaCountsRecipientsAndAnswers429WhenReached() throws Exception {
        String u = friend("Ivy");
        Http.Res set = control.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl()
                + "/control/v1/channels/" + emulator.defaultChannel().channelId() + "/settings"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"quota\":2}")), false);
        assertThat(set.status()).isEqualTo(200);
        JsonNode quota = http.get("/v2/bot/message/quota").json();
        assertThat(quota.path("type").asText()).isEqualTo("limited");
        assertThat(quota.path("value").asLong()).isEqualTo(2);
        String two = "{\"to\":\"" + u + "\",\"messages\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"text\",\"text\":\"b\"}]}";
        assertThat(http.post("/v2/bot/message/push", two).status()).isEqualTo(200);
        assertThat(http.post("/v2/bot/message/push", two).status()).isEqualTo(200);
        assertThat(http.get("/v2/bot/message/quota/consumption").json().path("totalUsage").asLong()).isEqualTo(2);
        Http.Res over = http.post("/v2/bot/message/push", two);
        assertThat(over.status()).isEqualTo(429);
        assertThat(over.json().path("message").asText()).isEqualTo("You have reached your monthly limit.");
    }

    @Test
    void accountLinkOkForTheTokensUserFailedForAnotherNoneWhenExpired() throws Exception {
        String u = friend("Jo");
        String other = friend("Mallory");
        String nonce = "bm9uY2Utbm9uY2Utbm9uY2U=";
        String t1 = http.post("/v2/bot/user/" + u + "/linkToken", "").json().path("linkToken").asText();
        assertThat(control.post("/control/v1/users/" + u + "/accountLink", "{\"linkToken\":\"" + t1 + "\",\"nonce\":\"" + nonce + "\"}").status()).isEqualTo(200);
        JsonNode ok = Json().readTree(receiver.take().contentUtf8()).path("events").get(0);
        assertThat(ok.path("type").asText()).isEqualTo("accountLink");
        assertThat(ok.path("link").path("result").asText()).isEqualTo("ok");
        assertThat(ok.path("link").path("nonce").asText()).isEqualTo(nonce);
        assertThat(ok.path("source").path("userId").asText()).isEqualTo(u);
        assertThat(ok.path("replyToken").asText()).isNotEmpty();
        // single use
        assertThat(control.post("/control/v1/users/" + u + "/accountLink", "{\"linkToken\":\"" + t1 + "\",\"nonce\":\"" + nonce + "\"}").status()).isEqualTo(400);

        String t2 = http.post("/v2/bot/user/" + u + "/linkToken", "").json().path("linkToken").asText();
        control.post("/control/v1/users/" + other + "/accountLink", "{\"linkToken\":\"" + t2 + "\",\"nonce\":\"" + nonce + "\"}");
        JsonNode failed = Json().readTree(receiver.take().contentUtf8()).path("events").get(0);
        assertThat(failed.path("link").path("result").asText()).isEqualTo("failed");
        assertThat(failed.has("source")).isFalse();
        assertThat(failed.has("replyToken")).isFalse();

        String t3 = http.post("/v2/bot/user/" + u + "/linkToken", "").json().path("linkToken").asText();
        clock.advance(Duration.ofMinutes(10));
        assertThat(control.post("/control/v1/users/" + u + "/accountLink", "{\"linkToken\":\"" + t3 + "\",\"nonce\":\"" + nonce + "\"}").status()).isEqualTo(400);
        assertThat(receiver.requests.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }
}
