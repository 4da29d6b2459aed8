package io.linegate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A narrowcast reaches exactly the friends its recipient (audiences and their operators) and its
 * demographic filter select: 200 friends with attributes set through the control API, an audience
 * uploaded by JSON, and every friend's inbox checked.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NarrowcastTargetingTest {
    static final int USERS = 200;
    static Emulator emulator;
    static Http http;
    static Http control;

    static String user(int i) {
        return "U" + String.format("%032x", i);
    }

    // The attributes, as the test defines them: 0..119 female, the rest male; ages 18..42 in turn;
    // every fifth user (1, 6, 11, ...) in Thailand; 150..159 have no attributes at all.
    static boolean known(int i) {
        return i < 150 || i >= 160;
    }

    static boolean female(int i) {
        return i < 120;
    }

    static int age(int i) {
        return 18 + i % 25;
    }

    static boolean thai(int i) {
        return i % 5 == 1;
    }

    @BeforeAll
    static void start() {
        emulator = Emulator.builder().rateLimits(false).build().start();
        http = new Http(emulator.baseUrl(), emulator.defaultChannel().accessToken());
        control = new Http(emulator.baseUrl(), null);
        assertThat(control.post("/control/v1/users/bulk", "{\"start\":0,\"count\":" + USERS + "}").status()).isEqualTo(200);
        for (int i = 0; i < USERS; i++) {
            if (known(i)) {
                Http.Res r = control.put("/control/v1/users/" + user(i) + "/demographics", "{\"gender\":\"" + (female(i) ? "female" : "male")
                        + "\",\"age\":" + age(i) + ",\"area\":\"" + (thai(i) ? "th_01" : "jp_13") + "\",\"appType\":\"ios\",\"friendDays\":" + i + "}");
                assertThat(r.status()).as(r.body()).isEqualTo(200);
            }
        }
        // A blocking user in the audience, and a user who is not a friend at all.
        control.post("/control/v1/users/" + user(3) + "/block", "");
        control.post("/control/v1/users", "{\"displayName\":\"Stranger\",\"userId\":\"" + user(999) + "\"}");
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    static long audience(List<Integer> members) {
        List<String> a = new ArrayList<>();
        members.forEach(i -> a.add("{\"id\":\"" + user(i) + "\"}"));
        Http.Res r = http.post("/v2/bot/audienceGroup/upload", "{\"description\":\"a" + System.nanoTime() + "\",\"audiences\":[" + String.join(",", a) + "]}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().path("audienceGroupId").asLong();
    }

    /** Sends a narrowcast with a unique text and returns the users whose inbox got it. */
    static Set<Integer> narrowcast(String recipientAndFilter, String text) throws Exception {
        Http.Res r = http.post("/v2/bot/message/narrowcast", "{\"messages\":[{\"type\":\"text\",\"text\":\"" + text + "\"}]"
                + recipientAndFilter + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String requestId = r.header("x-line-request-id");
        JsonNode progress;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        do {
            Thread.sleep(100);
            progress = http.get("/v2/bot/message/progress/narrowcast?requestId=" + requestId).json();
        } while (!progress.path("phase").asText().matches("succeeded|failed") && System.nanoTime() < deadline);
        assertThat(progress.path("phase").asText()).as(progress.toString()).isEqualTo("succeeded");
        Set<Integer> got = new HashSet<>();
        for (int i = 0; i < USERS; i++) {
            if (control.get("/control/v1/users/" + user(i) + "/inbox").body().contains(text)) {
                got.add(i);
            }
        }
        assertThat(control.get("/control/v1/users/" + user(999) + "/inbox").body()).doesNotContain(text);
        assertThat(progress.path("targetCount").asInt()).isEqualTo(got.size());
        return got;
    }

    @Test
    void anAudienceWithAGenderAndAgeFilterReachesExactlyTheMatchingFriends() throws Exception {
        List<Integer> members = new ArrayList<>();
        for (int i = 0; i < 170; i++) {
            if (i % 4 != 0) { // matching friends outside the audience are left out too
                members.add(i);
            }
        }
        members.add(999);
        long id = audience(members);
        Set<Integer> expected = new HashSet<>();
        for (int i = 0; i < 170; i++) {
            boolean friend = i != 3 && i % 4 != 0;
            boolean filtered = known(i) && female(i) && age(i) >= 20 && age(i) < 40;
            if (friend && filtered) {
                expected.add(i);
            }
        }
        assertThat(expected).hasSizeGreaterThanOrEqualTo(50);
        Set<Integer> got = narrowcast(",\"recipient\":{\"type\":\"audience\",\"audienceGroupId\":" + id + "},"
                + "\"filter\":{\"demographic\":{\"type\":\"operator\",\"and\":[{\"type\":\"gender\",\"oneOf\":[\"female\"]},"
                + "{\"type\":\"age\",\"gte\":\"age_20\",\"lt\":\"age_40\"}]}}", "targeted-1");
        assertThat(got).isEqualTo(expected);
    }

    @Test
    void operatorsCombineAudiencesAndThaiUsersUnder20AreLeftOutOfFilteredNarrowcasts() throws Exception {
        List<Integer> a = new ArrayList<>();
        List<Integer> b = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            if (i < 180) {
                a.add(i);
            }
            if (i % 2 == 0) {
                b.add(i);
            }
        }
        long ida = audience(a);
        long idb = audience(b);
        Set<Integer> expected = new HashSet<>();
        for (int i = 0; i < 180; i++) {
            boolean friend = i != 3;
            boolean notInB = i % 2 != 0;
            boolean filtered = known(i) && female(i) && !(thai(i) && age(i) < 20);
            if (friend && notInB && filtered) {
                expected.add(i);
            }
        }
        Set<Integer> got = narrowcast(",\"recipient\":{\"type\":\"operator\",\"and\":[{\"type\":\"audience\",\"audienceGroupId\":" + ida + "},"
                + "{\"type\":\"operator\",\"not\":{\"type\":\"audience\",\"audienceGroupId\":" + idb + "}}]},"
                + "\"filter\":{\"demographic\":{\"type\":\"gender\",\"oneOf\":[\"female\"]}}", "targeted-2");
        assertThat(got).isEqualTo(expected);
        // A Thai female friend of 18 or 19 is in both audiences' difference and was left out.
        boolean someThaiTeenExcluded = false;
        for (int i = 1; i < 120; i += 2) {
            if (thai(i) && age(i) < 20 && i != 3) {
                someThaiTeenExcluded = true;
                assertThat(got).doesNotContain(i);
            }
        }
        assertThat(someThaiTeenExcluded).isTrue();
    }

    @Test
    void limitMaxCutsTheTargetsAndSubscriptionPeriodFilters() throws Exception {
        Set<Integer> got = narrowcast(",\"filter\":{\"demographic\":{\"type\":\"subscriptionPeriod\",\"gte\":\"day_90\"}},\"limit\":{\"max\":60}",
                "targeted-3");
        assertThat(got).hasSize(60);
        for (int i : got) {
            assertThat(known(i) && i >= 90).as("user " + i).isTrue();
        }
    }

    @Test
    void tooFewRecipientsFailOnTheProgressEndpointAndAnUnknownAudienceIsRefused() throws Exception {
        long small = audience(List.of(10, 11, 12));
        Http.Res r = http.post("/v2/bot/message/narrowcast", "{\"messages\":[{\"type\":\"text\",\"text\":\"few\"}],"
                + "\"recipient\":{\"type\":\"audience\",\"audienceGroupId\":" + small + "}}");
        assertThat(r.status()).isEqualTo(202);
        JsonNode p;
        do {
            Thread.sleep(100);
            p = http.get("/v2/bot/message/progress/narrowcast?requestId=" + r.header("x-line-request-id")).json();
        } while (!p.path("phase").asText().matches("succeeded|failed"));
        assertThat(p.path("phase").asText()).isEqualTo("failed");
        assertThat(p.path("errorCode").asInt()).isEqualTo(2);
        assertThat(control.get("/control/v1/users/" + user(10) + "/inbox").body()).doesNotContain("\"few\"");

        Http.Res unknown = http.post("/v2/bot/message/narrowcast", "{\"messages\":[{\"type\":\"text\",\"text\":\"x\"}],"
                + "\"recipient\":{\"type\":\"operator\",\"or\":[{\"type\":\"audience\",\"audienceGroupId\":1234567890123}]}}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("details").get(0).path("property").asText()).isEqualTo("recipient.or[0].audienceGroupId");
    }

    @Test
    void aDemographicFilterNeedsAHundredFriends() {
        try (Emulator few = Emulator.builder().rateLimits(false).build().start()) {
            new Http(few.baseUrl(), null).post("/control/v1/users/bulk", "{\"start\":0,\"count\":99}");
            Http.Res r = new Http(few.baseUrl(), few.defaultChannel().accessToken()).post("/v2/bot/message/narrowcast",
                    "{\"messages\":[{\"type\":\"text\",\"text\":\"x\"}],\"filter\":{\"demographic\":{\"type\":\"gender\",\"oneOf\":[\"male\"]}}}");
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.json().path("message").asText()).isEqualTo("Your account does not have enough friends");
        }
    }

    @Test
    void badDemographicsAreRefusedByName() {
        Http.Res r = control.put("/control/v1/users/" + user(1) + "/demographics", "{\"gender\":\"robot\",\"age\":-1,\"area\":\"jp_48\",\"os\":\"ios\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("details").findValuesAsText("property")).containsExactlyInAnyOrder("gender", "age", "area", "os");
    }
}
