package io.linegate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
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

    @Test
    void getStatisticsPerUnitCountsWhatTheRecipientsOfTheUnitsPushesAndMulticastsDid() {
        try (Setup s = start(30)) {
            StringBuilder to = new StringBuilder();
            for (int i = 0; i < 25; i++) {
                to.append(i == 0 ? "" : ",").append('"').append(user(i)).append('"');
            }
            Http.Res m = s.http().post("/v2/bot/message/multicast", "{\"to\":[" + to + "],\"customAggregationUnits\":[\"promo_a\"],"
                    + "\"messages\":[{\"type\":\"text\",\"text\":\"sale https://example.com/sale\"}]}");
            assertThat(m.status()).as(m.body()).isEqualTo(200);
            String multicast = m.header("x-line-request-id");
            Http.Res p = s.http().post("/v2/bot/message/push", "{\"to\":\"" + user(29) + "\",\"customAggregationUnits\":[\"promo_a\"],"
                    + "\"messages\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"text\",\"text\":\"b\"}]}");
            assertThat(p.status()).as(p.body()).isEqualTo(200);
            String push = p.header("x-line-request-id");
            for (int i = 0; i < 22; i++) {
                s.control().post("/control/v1/users/" + user(i) + "/impressions", "{\"requestId\":\"" + multicast + "\"}");
            }
            for (int i = 0; i < 20; i++) {
                s.control().post("/control/v1/users/" + user(i) + "/clicks", "{\"requestId\":\"" + multicast + "\",\"url\":\"https://example.com/sale\"}");
            }
            s.control().post("/control/v1/users/" + user(0) + "/clicks", "{\"requestId\":\"" + multicast + "\",\"url\":\"https://example.com/sale\"}");
            assertThat(s.control().post("/control/v1/users/" + user(29) + "/impressions", "{\"requestId\":\"" + push + "\"}").status()).isEqualTo(200);
            // Only a recipient of the push can see it.
            assertThat(s.control().post("/control/v1/users/" + user(28) + "/impressions", "{\"requestId\":\"" + push + "\"}").status()).isEqualTo(400);

            String today = JST.format(s.clock().instant());
            Http.Res r = s.http().get("/v2/bot/insight/message/event/aggregation?customAggregationUnit=promo_a&from=" + today + "&to=" + today);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode st = r.json();
            assertThat(st.path("overview").path("uniqueImpression").asLong()).isEqualTo(23);
            assertThat(st.path("overview").path("uniqueClick").asLong()).isEqualTo(20);
            assertThat(st.path("messages")).hasSize(2);
            assertThat(st.path("messages").get(0).path("impression").asLong()).isEqualTo(23);
            // The second message is the push's only: one viewer, hidden.
            assertThat(st.path("messages").get(1).path("impression").isNull()).isTrue();
            JsonNode click = st.path("clicks").get(0);
            assertThat(click.path("url").asText()).isEqualTo("https://example.com/sale");
            assertThat(click.path("click").asLong()).isEqualTo(21);
            assertThat(click.path("uniqueClick").asLong()).isEqualTo(20);

            // Another unit, or days without its messages: nothing.
            JsonNode other = s.http().get("/v2/bot/insight/message/event/aggregation?customAggregationUnit=promo_b&from=" + today + "&to=" + today).json();
            assertThat(other.path("messages")).isEmpty();
            assertThat(other.path("overview").path("uniqueImpression").isNull()).isTrue();
            String before = JST.format(s.clock().instant().minus(Duration.ofDays(3)));
            String yesterday = JST.format(s.clock().instant().minus(Duration.ofDays(1)));
            assertThat(s.http().get("/v2/bot/insight/message/event/aggregation?customAggregationUnit=promo_a&from=" + before + "&to=" + yesterday)
                    .json().path("clicks")).isEmpty();

            // The units used this month.
            assertThat(s.http().get("/v2/bot/message/aggregation/info").json().path("numOfCustomAggregationUnits").asInt()).isEqualTo(1);
            assertThat(s.http().get("/v2/bot/message/aggregation/list").json().path("customAggregationUnits").toString()).isEqualTo("[\"promo_a\"]");

            // A push is not a broadcast or narrowcast: no click audience from it, no per-request statistics.
            assertThat(s.http().post("/v2/bot/audienceGroup/click", "{\"description\":\"x\",\"requestId\":\"" + multicast + "\"}").status()).isEqualTo(400);
            assertThat(s.http().get("/v2/bot/insight/message/event?requestId=" + multicast).status()).isEqualTo(404);

            // Bad input: more than 30 days, the wrong order, a bad unit name, two units on a push.
            String far = JST.format(s.clock().instant().plus(Duration.ofDays(31)));
            Http.Res tooLong = s.http().get("/v2/bot/insight/message/event/aggregation?customAggregationUnit=promo_a&from=" + today + "&to=" + far);
            assertThat(tooLong.status()).isEqualTo(400);
            assertThat(tooLong.json().path("details").get(0).path("property").asText()).isEqualTo("to");
            assertThat(s.http().get("/v2/bot/insight/message/event/aggregation?customAggregationUnit=promo_a&from=" + today + "&to=" + yesterday)
                    .status()).isEqualTo(400);
            Http.Res badUnit = s.http().get("/v2/bot/insight/message/event/aggregation?customAggregationUnit=no-dash&from=" + today + "&to=" + today);
            assertThat(badUnit.status()).isEqualTo(400);
            assertThat(badUnit.json().path("details").get(0).path("property").asText()).isEqualTo("customAggregationUnit");
            Http.Res two = s.http().post("/v2/bot/message/push", "{\"to\":\"" + user(1) + "\",\"customAggregationUnits\":[\"a\",\"b\"],"
                    + "\"messages\":[{\"type\":\"text\",\"text\":\"a\"}]}");
            assertThat(two.status()).isEqualTo(400);
            assertThat(two.json().path("details").get(0).path("property").asText()).isEqualTo("customAggregationUnits");
        }
    }

    static final String MENU = "{\"size\":{\"width\":2500,\"height\":843},\"selected\":false,\"name\":\"m\",\"chatBarText\":\"Menu\","
            + "\"areas\":[{\"bounds\":{\"x\":0,\"y\":0,\"width\":1250,\"height\":843},\"action\":{\"type\":\"postback\",\"data\":\"a\"}},"
            + "{\"bounds\":{\"x\":1250,\"y\":0,\"width\":1250,\"height\":843},\"action\":{\"type\":\"postback\",\"data\":\"b\"}}]}";

    String menuWithTaps(Setup s, int clickersOfArea0) {
        String id = s.http().post("/v2/bot/richmenu", MENU).json().path("richMenuId").asText();
        for (int i = 0; i < 25; i++) {
            s.control().post("/control/v1/users/" + user(i) + "/richMenuImpressions", "{\"richMenuId\":\"" + id + "\"}");
        }
        for (int i = 0; i < clickersOfArea0; i++) {
            s.control().post("/control/v1/users/" + user(i) + "/richMenuClicks", "{\"richMenuId\":\"" + id + "\",\"area\":0}");
        }
        s.control().post("/control/v1/users/" + user(0) + "/richMenuClicks", "{\"richMenuId\":\"" + id + "\",\"area\":1}");
        return id;
    }

    @Test
    void getRichMenuInsightSummaryAddsUpTheImpressionsAndTheClicksPerArea() {
        try (Setup s = start(30)) {
            String id = menuWithTaps(s, 20);
            String day1 = JST.format(s.clock().instant());
            s.clock().advance(Duration.ofDays(1));
            s.control().post("/control/v1/users/" + user(0) + "/richMenuImpressions", "{\"richMenuId\":\"" + id + "\"}");
            String day2 = JST.format(s.clock().instant());
            Http.Res r = s.http().get("/v2/bot/insight/richmenu/" + id + "/summary?from=" + day1 + "&to=" + day2);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode sum = r.json();
            assertThat(sum.path("richMenuId").asText()).isEqualTo(id);
            assertThat(sum.path("metricsFrom").asText()).isEqualTo(day1);
            assertThat(sum.path("impression").path("metrics").path("count").asLong()).isEqualTo(26);
            assertThat(sum.path("impression").path("metrics").path("uniqueUsers").asLong()).isEqualTo(25);
            assertThat(sum.path("clicks")).hasSize(2);
            assertThat(sum.path("clicks").get(0).path("bounds").path("width").asInt()).isEqualTo(1250);
            assertThat(sum.path("clicks").get(0).path("metrics").path("count").asLong()).isEqualTo(20);
            assertThat(sum.path("clicks").get(1).path("bounds").path("x").asInt()).isEqualTo(1250);
            assertThat(sum.path("clicks").get(1).path("metrics").path("uniqueUsers").asLong()).isEqualTo(1);

            // Under the privacy threshold of unique clicks: the rich menu ID only.
            String quiet = menuWithTaps(s, 5);
            JsonNode hidden = s.http().get("/v2/bot/insight/richmenu/" + quiet + "/summary?from=" + day1 + "&to=" + day2).json();
            assertThat(hidden.size()).isEqualTo(1);
            assertThat(hidden.path("richMenuId").asText()).isEqualTo(quiet);

            // Bad input: unknown menu, an area it does not have, a start over three years ago, a period over 396 days.
            assertThat(s.http().get("/v2/bot/insight/richmenu/richmenu-" + "0".repeat(32) + "/summary?from=" + day1 + "&to=" + day2).status())
                    .isEqualTo(404);
            assertThat(s.control().post("/control/v1/users/" + user(0) + "/richMenuClicks", "{\"richMenuId\":\"" + id + "\",\"area\":2}")
                    .status()).isEqualTo(400);
            Http.Res old = s.http().get("/v2/bot/insight/richmenu/" + id + "/summary?from=20220101&to=20220102");
            assertThat(old.status()).isEqualTo(400);
            assertThat(old.json().path("details").get(0).path("property").asText()).isEqualTo("from");
            Http.Res longPeriod = s.http().get("/v2/bot/insight/richmenu/" + id + "/summary?from=20250101&to=20260202");
            assertThat(longPeriod.status()).isEqualTo(400);
            assertThat(longPeriod.json().path("details").get(0).path("property").asText()).isEqualTo("to");
            // A deleted menu's figures go with it.
            s.http().delete("/v2/bot/richmenu/" + id);
            assertThat(s.http().get("/v2/bot/insight/richmenu/" + id + "/summary?from=" + day1 + "&to=" + day2).status()).isEqualTo(404);
        }
    }

    @Test
    void getRichMenuInsightDailyGivesEachDaysFigures() {
        try (Setup s = start(30)) {
            String id = menuWithTaps(s, 21);
            String day1 = JST.format(s.clock().instant());
            s.clock().advance(Duration.ofDays(2));
            s.control().post("/control/v1/users/" + user(3) + "/richMenuImpressions", "{\"richMenuId\":\"" + id + "\"}");
            s.control().post("/control/v1/users/" + user(3) + "/richMenuClicks", "{\"richMenuId\":\"" + id + "\",\"area\":1}");
            String day3 = JST.format(s.clock().instant());
            Http.Res r = s.http().get("/v2/bot/insight/richmenu/" + id + "/daily?from=" + day1 + "&to=" + day3);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode daily = r.json();
            JsonNode shown = daily.path("impression").path("metrics");
            assertThat(shown).hasSize(2); // the day between had none
            assertThat(shown.get(0).path("date").asText()).isEqualTo(day1);
            assertThat(shown.get(0).path("count").asLong()).isEqualTo(25);
            assertThat(shown.get(1).path("date").asText()).isEqualTo(day3);
            assertThat(shown.get(1).path("uniqueUsers").asLong()).isEqualTo(1);
            JsonNode area0 = daily.path("clicks").get(0).path("metrics");
            assertThat(area0).hasSize(1);
            assertThat(area0.get(0).path("count").asLong()).isEqualTo(21);
            JsonNode area1 = daily.path("clicks").get(1).path("metrics");
            assertThat(area1).hasSize(2);
            assertThat(area1.get(1).path("date").asText()).isEqualTo(day3);
            // At most 99 days.
            String far = JST.format(s.clock().instant().plus(Duration.ofDays(100)));
            assertThat(s.http().get("/v2/bot/insight/richmenu/" + id + "/daily?from=" + day3 + "&to=" + far).status()).isEqualTo(400);
            assertThat(s.http().get("/v2/bot/insight/richmenu/" + id + "/daily?from=" + day3).status()).isEqualTo(400);
        }
    }

    @Test
    void everyInsightOperationAllowsSixtyRequestsAnHour() {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-10T03:00:00Z"));
        try (Emulator e = Emulator.builder().clock(clock).build().start()) {
            Http http = new Http(e.baseUrl(), e.defaultChannel().accessToken());
            String menu = http.post("/v2/bot/richmenu", MENU).json().path("richMenuId").asText();
            String today = JST.format(clock.instant());
            String period = "from=" + today + "&to=" + today;
            for (String path : List.of("/v2/bot/insight/demographic", "/v2/bot/insight/message/delivery?date=" + today,
                    "/v2/bot/insight/followers", "/v2/bot/insight/message/event?requestId=x",
                    "/v2/bot/insight/message/event/aggregation?customAggregationUnit=u&" + period,
                    "/v2/bot/insight/richmenu/" + menu + "/summary?" + period, "/v2/bot/insight/richmenu/" + menu + "/daily?" + period)) {
                for (int i = 0; i < 60; i++) {
                    assertThat(http.get(path).status()).as(path).isNotEqualTo(429);
                }
                Http.Res over = http.get(path);
                assertThat(over.status()).as(path).isEqualTo(429);
                assertThat(over.json().path("message").asText()).isEqualTo("The API rate limit has been exceeded. Try again later.");
            }
        }
    }
}
