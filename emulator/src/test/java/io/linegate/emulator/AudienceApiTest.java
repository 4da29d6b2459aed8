package io.linegate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Manage Audience against the emulator over plain HTTP, one test per operation of
 * manage-audience.yml, and the bad input LINE refuses (malformed IDs, too many IDs, the wrong kind or
 * state of audience, unknown audiences), each in LINE's error shape, never a 500.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AudienceApiTest {
    static MutableClock clock = MutableClock.now();
    static Emulator emulator;
    static Http http;
    static Http control;

    @BeforeAll
    static void start() {
        emulator = Emulator.builder().rateLimits(false).clock(clock).build().start();
        http = new Http(emulator.baseUrl(), emulator.defaultChannel().accessToken());
        control = new Http(emulator.baseUrl(), null);
        control.post("/control/v1/users/bulk", "{\"start\":0,\"count\":20}");
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    static String user(int i) {
        return "U" + String.format("%032x", i);
    }

    static String audiences(int from, int to) {
        List<String> a = new ArrayList<>();
        for (int i = from; i < to; i++) {
            a.add("{\"id\":\"" + user(i) + "\"}");
        }
        return "[" + String.join(",", a) + "]";
    }

    static byte[] file(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append(user(i)).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    static long createByJson(String name, int from, int to) {
        Http.Res r = http.post("/v2/bot/audienceGroup/upload", "{\"description\":\"" + name + "\",\"audiences\":" + audiences(from, to) + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().path("audienceGroupId").asLong();
    }

    static JsonNode get(long id) {
        Http.Res r = http.get("/v2/bot/audienceGroup/" + id);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static void refused(Http.Res r, int status, String property) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().path("message").isTextual()).isTrue();
        if (property != null) {
            assertThat(r.json().path("details").findValuesAsText("property")).as(r.body()).contains(property);
        }
    }

    static String broadcast() {
        Http.Res r = http.post("/v2/bot/message/broadcast", "{\"messages\":[{\"type\":\"text\",\"text\":\"sale https://example.com/sale\"}]}");
        assertThat(r.status()).isEqualTo(200);
        return r.header("x-line-request-id");
    }

    @Test
    void createAudienceGroupByJsonHoldsTheUploadedUsers() {
        Http.Res r = http.post("/v2/bot/audienceGroup/upload",
                "{\"description\":\"json audience\",\"uploadDescription\":\"first\",\"audiences\":" + audiences(0, 5) + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        JsonNode b = r.json();
        assertThat(b.path("audienceGroupId").asLong()).isBetween(1_000_000_000_000L, 9_999_999_999_999L);
        assertThat(b.path("type").asText()).isEqualTo("UPLOAD");
        assertThat(b.path("createRoute").asText()).isEqualTo("MESSAGING_API");
        assertThat(b.path("permission").asText()).isEqualTo("READ_WRITE");
        assertThat(b.path("expireTimestamp").asLong() - b.path("created").asLong()).isEqualTo(180L * 24 * 3600);
        JsonNode got = get(b.path("audienceGroupId").asLong());
        assertThat(got.path("audienceGroup").path("audienceCount").asInt()).isEqualTo(5);
        assertThat(got.path("audienceGroup").path("status").asText()).isEqualTo("READY");
        assertThat(got.path("jobs").get(0).path("description").asText()).isEqualTo("first");
    }

    @Test
    void addAudienceToAudienceGroupByJsonAddsAJob() {
        long id = createByJson("to grow", 0, 3);
        Http.Res r = http.put("/v2/bot/audienceGroup/upload", "{\"audienceGroupId\":" + id + ",\"audiences\":" + audiences(2, 6) + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        JsonNode got = get(id);
        assertThat(got.path("audienceGroup").path("audienceCount").asInt()).isEqualTo(6);
        assertThat(got.path("jobs")).hasSize(2);
        assertThat(got.path("jobs").get(1).path("audienceCount").asInt()).isEqualTo(3); // 2 was there already
    }

    @Test
    void createAudienceForUploadingUserIdsByFile() {
        Http.Res r = http.multipart("POST", "/v2/bot/audienceGroup/upload/byFile",
                Map.of("description", "file audience", "uploadDescription", "list.txt"), "list.txt", file(0, 10));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        JsonNode got = get(r.json().path("audienceGroupId").asLong());
        assertThat(got.path("audienceGroup").path("audienceCount").asInt()).isEqualTo(10);
        assertThat(got.path("jobs").get(0).path("description").asText()).isEqualTo("list.txt");
    }

    @Test
    void addUserIdsToAudienceByFile() {
        long id = createByJson("file grows", 0, 2);
        Http.Res r = http.multipart("PUT", "/v2/bot/audienceGroup/upload/byFile",
                Map.of("audienceGroupId", String.valueOf(id)), "more.txt", file(2, 7));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(get(id).path("audienceGroup").path("audienceCount").asInt()).isEqualTo(7);
    }

    @Test
    void createClickBasedAudienceGroupHoldsTheUsersWhoClicked() {
        String requestId = broadcast();
        for (int i : new int[] {1, 2, 3}) {
            assertThat(control.post("/control/v1/users/" + user(i) + "/clicks",
                    "{\"requestId\":\"" + requestId + "\",\"url\":\"https://example.com/sale\"}").status()).isEqualTo(200);
        }
        control.post("/control/v1/users/" + user(4) + "/clicks", "{\"requestId\":\"" + requestId + "\",\"url\":\"https://example.com/other\"}");
        Http.Res r = http.post("/v2/bot/audienceGroup/click", "{\"description\":\"clicked sale\",\"requestId\":\"" + requestId
                + "\",\"clickUrl\":\"https://example.com/sale\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.json().path("type").asText()).isEqualTo("CLICK");
        assertThat(r.json().path("requestId").asText()).isEqualTo(requestId);
        assertThat(get(r.json().path("audienceGroupId").asLong()).path("audienceGroup").path("audienceCount").asInt()).isEqualTo(3);
        // Without clickUrl: everyone who clicked any URL of the message.
        Http.Res any = http.post("/v2/bot/audienceGroup/click", "{\"description\":\"clicked any\",\"requestId\":\"" + requestId + "\"}");
        assertThat(get(any.json().path("audienceGroupId").asLong()).path("audienceGroup").path("audienceCount").asInt()).isEqualTo(4);
    }

    @Test
    void createImpBasedAudienceGroupHoldsTheUsersWhoSawTheMessage() {
        String requestId = broadcast();
        for (int i : new int[] {5, 6, 7, 8}) {
            control.post("/control/v1/users/" + user(i) + "/impressions", "{\"requestId\":\"" + requestId + "\"}");
        }
        Http.Res r = http.post("/v2/bot/audienceGroup/imp", "{\"description\":\"saw it\",\"requestId\":\"" + requestId + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.json().path("type").asText()).isEqualTo("IMP");
        assertThat(get(r.json().path("audienceGroupId").asLong()).path("audienceGroup").path("audienceCount").asInt()).isEqualTo(4);
    }

    @Test
    void updateAudienceGroupDescriptionRenamesIt() {
        long id = createByJson("old name", 0, 1);
        assertThat(http.put("/v2/bot/audienceGroup/" + id + "/updateDescription", "{\"description\":\"new name\"}").status()).isEqualTo(200);
        assertThat(get(id).path("audienceGroup").path("description").asText()).isEqualTo("new name");
    }

    @Test
    void deleteAudienceGroupForgetsIt() {
        long id = createByJson("doomed", 0, 1);
        assertThat(http.delete("/v2/bot/audienceGroup/" + id).status()).isEqualTo(200);
        Http.Res gone = http.get("/v2/bot/audienceGroup/" + id);
        refused(gone, 400, null);
        assertThat(gone.json().path("message").asText()).isEqualTo("audience group not found");
        assertThat(gone.json().path("details").get(0).path("message").asText()).isEqualTo("AUDIENCE_GROUP_NOT_FOUND");
        refused(http.delete("/v2/bot/audienceGroup/" + id), 400, null);
    }

    @Test
    void getAudienceDataNamesTheAudienceAndItsJobs() {
        long id = createByJson("detail", 0, 4);
        JsonNode g = get(id).path("audienceGroup");
        assertThat(g.path("audienceGroupId").asLong()).isEqualTo(id);
        assertThat(g.path("description").asText()).isEqualTo("detail");
        assertThat(g.path("isIfaAudience").asBoolean()).isFalse();
        assertThat(get(id).path("jobs").get(0).path("jobStatus").asText()).isEqualTo("FINISHED");
    }

    @Test
    void getAudienceGroupsPagesAndFilters() {
        for (int i = 0; i < 3; i++) {
            createByJson("paged-" + i, 0, 1);
        }
        Http.Res first = http.get("/v2/bot/audienceGroup/list?page=1&size=2&description=PAGED");
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().path("audienceGroups")).hasSize(2);
        assertThat(first.json().path("totalCount").asInt()).isEqualTo(3);
        assertThat(first.json().path("hasNextPage").asBoolean()).isTrue();
        Http.Res second = http.get("/v2/bot/audienceGroup/list?page=2&size=2&description=paged");
        assertThat(second.json().path("audienceGroups")).hasSize(1);
        assertThat(second.json().path("hasNextPage").asBoolean()).isFalse();
        refused(http.get("/v2/bot/audienceGroup/list?page=0"), 400, "page");
        refused(http.get("/v2/bot/audienceGroup/list?page=1&size=41"), 400, "size");
    }

    @Test
    void getSharedAudienceDataNamesTheOwner() {
        long id = createByJson("shared detail", 0, 2);
        Http.Res r = http.get("/v2/bot/audienceGroup/shared/" + id);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("audienceGroup").path("audienceCount").asInt()).isEqualTo(2);
        assertThat(r.json().path("owner").path("id").asText()).isEqualTo(emulator.defaultChannel().channelId());
    }

    @Test
    void getSharedAudienceGroupsListsOwnedOnesOnlyWhenAsked() {
        createByJson("shared-listed", 0, 1);
        // Nothing is shared by a Business Manager in the emulator.
        assertThat(http.get("/v2/bot/audienceGroup/shared/list?page=1&description=shared-listed").json().path("totalCount").asInt()).isZero();
        Http.Res owned = http.get("/v2/bot/audienceGroup/shared/list?page=1&description=shared-listed&includesOwnedAudienceGroups=true");
        assertThat(owned.status()).as(owned.body()).isEqualTo(200);
        assertThat(owned.json().path("totalCount").asInt()).isEqualTo(1);
    }

    // ---- bad input ----------------------------------------------------------------------------

    @Test
    void aMalformedUserIdIsNamedByItsIndex() {
        Http.Res r = http.post("/v2/bot/audienceGroup/upload",
                "{\"description\":\"bad\",\"audiences\":[{\"id\":\"" + user(1) + "\"},{\"id\":\"U123\"}]}");
        refused(r, 400, "audiences[1].id");
        assertThat(r.json().path("details").get(0).path("message").asText()).contains("U followed by 32");
    }

    @Test
    void moreThanTenThousandIdsInOneJsonRequestAreRefused() {
        Http.Res r = http.post("/v2/bot/audienceGroup/upload", "{\"description\":\"big\",\"audiences\":" + audiences(0, 10_001) + "}");
        refused(r, 400, "audiences");
    }

    @Test
    void aDescriptionOver120CharactersIsRefused() {
        refused(http.post("/v2/bot/audienceGroup/upload", "{\"description\":\"" + "x".repeat(121) + "\"}"), 400, "description");
    }

    @Test
    void aMalformedLineInAFileIsNamedByItsLineNumber() {
        Http.Res r = http.multipart("POST", "/v2/bot/audienceGroup/upload/byFile", Map.of("description", "bad file"), "bad.txt",
                (user(1) + "\nnot-an-id\n").getBytes(StandardCharsets.US_ASCII));
        refused(r, 400, "file");
        assertThat(r.json().path("details").get(0).path("message").asText()).contains("line 2");
        refused(http.multipart("POST", "/v2/bot/audienceGroup/upload/byFile", Map.of("description", "empty"), "e.txt", new byte[0]), 400, "file");
        refused(http.multipart("POST", "/v2/bot/audienceGroup/upload/byFile", Map.of("description", "no file"), null, null), 400, "file");
    }

    @Test
    void aFileOfMoreThanOneAndAHalfMillionIdsIsRefused() {
        Http.Res r = http.multipart("POST", "/v2/bot/audienceGroup/upload/byFile", Map.of("description", "huge"), "huge.txt", file(0, 1_500_001));
        refused(r, 400, "file");
        assertThat(r.json().path("details").get(0).path("message").asText()).contains("1500000");
    }

    @Test
    void aFileUploadThatIsNotMultipartIs415() {
        Http.Res r = http.post("/v2/bot/audienceGroup/upload/byFile", "{\"description\":\"json\"}");
        refused(r, 415, null);
    }

    @Test
    void onlyAReadyUploadAudienceTakesMoreIds() {
        String requestId = broadcast();
        long click = http.post("/v2/bot/audienceGroup/imp", "{\"description\":\"imp\",\"requestId\":\"" + requestId + "\"}")
                .json().path("audienceGroupId").asLong();
        Http.Res wrongType = http.put("/v2/bot/audienceGroup/upload", "{\"audienceGroupId\":" + click + ",\"audiences\":" + audiences(0, 1) + "}");
        refused(wrongType, 400, "audienceGroupId");
        assertThat(wrongType.json().path("details").get(0).path("message").asText()).isEqualTo("AUDIENCE_GROUP_TYPE_INVALID");

        long old = createByJson("ageing", 0, 1);
        clock.advance(Duration.ofDays(181));
        try {
            JsonNode g = get(old).path("audienceGroup");
            assertThat(g.path("status").asText()).isEqualTo("EXPIRED");
            Http.Res expired = http.put("/v2/bot/audienceGroup/upload", "{\"audienceGroupId\":" + old + ",\"audiences\":" + audiences(0, 1) + "}");
            refused(expired, 400, "audienceGroupId");
            assertThat(expired.json().path("details").get(0).path("message").asText()).isEqualTo("AUDIENCE_GROUP_CAN_NOT_UPLOAD_STATUS_EXPIRED");
        } finally {
            clock.advance(Duration.ofDays(-181));
        }
        refused(http.put("/v2/bot/audienceGroup/upload", "{\"audienceGroupId\":1234567890123,\"audiences\":" + audiences(0, 1) + "}"), 400, null);
    }

    @Test
    void retargetingNeedsABroadcastOrNarrowcastOfThisChannel() {
        Http.Res r = http.post("/v2/bot/audienceGroup/click", "{\"description\":\"x\",\"requestId\":\"00000000-0000-0000-0000-000000000000\"}");
        refused(r, 400, "requestId");
        Http.Res pushed = http.post("/v2/bot/message/push", "{\"to\":\"" + user(0) + "\",\"messages\":[{\"type\":\"text\",\"text\":\"p\"}]}");
        refused(http.post("/v2/bot/audienceGroup/imp", "{\"description\":\"x\",\"requestId\":\"" + pushed.header("x-line-request-id") + "\"}"), 400, "requestId");
    }

    @Test
    void audienceCallsAreLimitedTo60AMinute() {
        try (Emulator limited = Emulator.builder().build().start()) {
            Http h = new Http(limited.baseUrl(), limited.defaultChannel().accessToken());
            for (int i = 0; i < 60; i++) {
                assertThat(h.get("/v2/bot/audienceGroup/list?page=1").status()).isEqualTo(200);
            }
            Http.Res over = h.get("/v2/bot/audienceGroup/list?page=1");
            refused(over, 429, null);
            assertThat(over.json().path("message").asText()).isEqualTo("The API rate limit has been exceeded. Try again later.");
        }
    }
}
