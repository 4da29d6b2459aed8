package io.linegate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Insight over plain HTTP, one test per emulated operation of insight.yml: the figures are computed
 * from what the emulator delivered and what its users did, never canned.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InsightApiTest {
    static final DateTimeFormatter JST = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneId.of("Asia/Tokyo"));

    static String user(int i) {
        return "U" + String.format("%032x", i);
    }

    record Setup(Emulator emulator, Http http, Http control, MutableClock clock) implements AutoCloseable {
        @Override
        public void close() {
            emulator.close();
        }
    }

    static Setup start(int friends) {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-10T03:00:00Z"));
        Emulator e = Emulator.builder().rateLimits(false).clock(clock).build().start();
        Http control = new Http(e.baseUrl(), null);
        if (friends > 0) {
            control.post("/control/v1/users/bulk", "{\"start\":0,\"count\":" + friends + "}");
        }
        return new Setup(e, new Http(e.baseUrl(), e.defaultChannel().accessToken()), control, clock);
    }

    @Test
    void getFriendsDemographicsSharesOutTheFriendsAttributes() {
        try (Setup s = start(25)) {
            for (int i = 0; i < 20; i++) {
                s.control().put("/control/v1/users/" + user(i) + "/demographics", "{\"gender\":\"" + (i < 15 ? "female" : "male")
                        + "\",\"age\":" + (i < 10 ? 22 : 51) + ",\"area\":\"jp_36\",\"appType\":\"android\",\"friendDays\":" + (i < 5 ? 3 : 400) + "}");
            }
            JsonNode d = s.http().get("/v2/bot/insight/demographic").json();
            assertThat(d.path("available").asBoolean()).isTrue();
            assertThat(tile(d.path("genders"), "gender", "female")).isEqualTo(60.0);
            assertThat(tile(d.path("genders"), "gender", "male")).isEqualTo(20.0);
            assertThat(tile(d.path("genders"), "gender", "unknown")).isEqualTo(20.0);
            assertThat(tile(d.path("ages"), "age", "from20to24")).isEqualTo(40.0);
            assertThat(tile(d.path("ages"), "age", "from50to54")).isEqualTo(40.0);
            assertThat(tile(d.path("areas"), "area", "徳島")).isEqualTo(80.0);
            assertThat(tile(d.path("appTypes"), "appType", "android")).isEqualTo(80.0);
            assertThat(tile(d.path("subscriptionPeriods"), "subscriptionPeriod", "within7days")).isEqualTo(20.0);
            assertThat(tile(d.path("subscriptionPeriods"), "subscriptionPeriod", "over365days")).isEqualTo(60.0);
        }
        try (Setup few = start(5)) {
            assertThat(few.http().get("/v2/bot/insight/demographic").json().path("available").asBoolean()).isFalse();
        }
    }

    static double tile(JsonNode tiles, String field, String value) {
        for (JsonNode t : tiles) {
            if (t.path(field).asText().equals(value)) {
                return t.path("percentage").asDouble();
            }
        }
        return -1;
    }

    @Test
    void getNumberOfMessageDeliveriesCountsWhatWasDeliveredThatDay() {
        try (Setup s = start(30)) {
            String today = JST.format(s.clock().instant());
            s.http().post("/v2/bot/message/broadcast", "{\"messages\":[{\"type\":\"text\",\"text\":\"b\"}]}");
            for (int i = 0; i < 3; i++) {
                s.http().post("/v2/bot/message/push", "{\"to\":\"" + user(i) + "\",\"messages\":[{\"type\":\"text\",\"text\":\"p\"}]}");
            }
            s.http().post("/v2/bot/message/multicast", "{\"to\":[\"" + user(1) + "\",\"" + user(2) + "\"],\"messages\":[{\"type\":\"text\",\"text\":\"m\"}]}");
            assertThat(s.http().get("/v2/bot/insight/message/delivery?date=" + today).json().path("status").asText()).isEqualTo("unready");
            s.clock().advance(Duration.ofDays(1));
            JsonNode d = s.http().get("/v2/bot/insight/message/delivery?date=" + today).json();
            assertThat(d.path("status").asText()).isEqualTo("ready");
            assertThat(d.path("apiBroadcast").asLong()).isEqualTo(30);
            assertThat(d.path("apiPush").asLong()).isEqualTo(3);
            assertThat(d.path("apiMulticast").asLong()).isEqualTo(2);
            assertThat(d.has("apiNarrowcast")).isFalse();
            Http.Res bad = s.http().get("/v2/bot/insight/message/delivery?date=2026-03-10");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().path("details").findValuesAsText("property")).contains("date");
            assertThat(s.http().get("/v2/bot/insight/message/delivery").status()).isEqualTo(400);
        }
    }

    @Test
    void getNumberOfFollowersCountsFriendsBlocksAndTargetedReaches() {
        try (Setup s = start(30)) {
            s.control().post("/control/v1/users/" + user(0) + "/block", "");
            s.control().post("/control/v1/users/" + user(1) + "/block", "");
            for (int i = 2; i < 12; i++) {
                s.control().put("/control/v1/users/" + user(i) + "/demographics", "{\"gender\":\"male\"}");
            }
            JsonNode f = s.http().get("/v2/bot/insight/followers").json(); // yesterday by default
            assertThat(f.path("status").asText()).isEqualTo("ready");
            assertThat(f.path("followers").asLong()).isEqualTo(30);
            assertThat(f.path("blocks").asLong()).isEqualTo(2);
            assertThat(f.path("targetedReaches").asLong()).isEqualTo(10);
            assertThat(s.http().get("/v2/bot/insight/followers?date=" + JST.format(s.clock().instant())).json().path("status").asText())
                    .isEqualTo("unready");
        }
    }

    @Test
    void getMessageEventCountsImpressionsAndClicksAndHidesSmallFigures() {
        try (Setup s = start(40)) {
            Http.Res b = s.http().post("/v2/bot/message/broadcast", "{\"messages\":[{\"type\":\"text\",\"text\":\"one\"},{\"type\":\"text\",\"text\":\"two https://example.com/x\"}]}");
            String requestId = b.header("x-line-request-id");
            for (int i = 0; i < 25; i++) {
                s.control().post("/control/v1/users/" + user(i) + "/impressions", "{\"requestId\":\"" + requestId + "\"}");
            }
            s.control().post("/control/v1/users/" + user(0) + "/impressions", "{\"requestId\":\"" + requestId + "\"}"); // seen twice
            for (int i = 0; i < 21; i++) {
                s.control().post("/control/v1/users/" + user(i) + "/clicks", "{\"requestId\":\"" + requestId + "\",\"url\":\"https://example.com/x\",\"seq\":2}");
            }
            s.control().post("/control/v1/users/" + user(0) + "/clicks", "{\"requestId\":\"" + requestId + "\",\"url\":\"https://example.com/x\",\"seq\":2}");
            s.control().post("/control/v1/users/" + user(1) + "/clicks", "{\"requestId\":\"" + requestId + "\",\"url\":\"https://example.com/rare\"}");
            Http.Res r = s.http().get("/v2/bot/insight/message/event?requestId=" + requestId);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode e = r.json();
            assertThat(e.path("overview").path("delivered").asLong()).isEqualTo(40);
            assertThat(e.path("overview").path("uniqueImpression").asLong()).isEqualTo(25);
            assertThat(e.path("overview").path("uniqueClick").asLong()).isEqualTo(21);
            assertThat(e.path("messages")).hasSize(2);
            assertThat(e.path("messages").get(1).path("impression").asLong()).isEqualTo(26);
            JsonNode x = null;
            JsonNode rare = null;
            for (JsonNode c : e.path("clicks")) {
                if (c.path("url").asText().endsWith("/x")) {
                    x = c;
                } else {
                    rare = c;
                }
            }
            assertThat(x.path("seq").asInt()).isEqualTo(2);
            assertThat(x.path("click").asLong()).isEqualTo(22);
            assertThat(x.path("uniqueClick").asLong()).isEqualTo(21);
            // Fewer than 20 users: hidden.
            assertThat(rare.path("uniqueClick").isNull()).isTrue();
            assertThat(rare.path("click").isNull()).isTrue();

            assertThat(s.http().get("/v2/bot/insight/message/event?requestId=nope").status()).isEqualTo(404);
            assertThat(s.control().post("/control/v1/users/" + user(0) + "/clicks", "{\"requestId\":\"" + requestId
                    + "\",\"url\":\"https://example.com/x\",\"seq\":3}").status()).isEqualTo(400);
        }
    }
}
