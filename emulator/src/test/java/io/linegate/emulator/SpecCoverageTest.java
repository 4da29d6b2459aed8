package io.linegate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.messaging.model.CreateRichMenuAliasRequest;
import com.linecorp.bot.messaging.model.RichMenuAliasResponse;
import io.linegate.core.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every operation of the two spec files is served, read from the bundled specs at test time. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SpecCoverageTest {
    static final Path SPECS = SharedSpecs.dir();
    static Emulator emulator;
    static Http anon;
    static Http http;

    @BeforeAll
    static void start() {
        emulator = Emulator.builder().rateLimits(false).build().start();
        anon = new Http(emulator.baseUrl(), null);
        http = new Http(emulator.baseUrl(), emulator.defaultChannel().accessToken());
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    record Op(String method, String path) {}

    static List<Op> operations(String file) throws Exception {
        Path p = SPECS.resolve(file);
        JsonNode spec = Json.yaml().readTree(p.toFile());
        List<Op> ops = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> paths = spec.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> e = paths.next();
            e.getValue().fieldNames().forEachRemaining(m -> {
                if (List.of("get", "post", "put", "delete").contains(m)) {
                    ops.add(new Op(m.toUpperCase(), e.getKey().replaceAll("\\{[^}]+}", "U" + "0".repeat(32))));
                }
            });
        }
        return ops;
    }

    Http.Res send(Http h, Op op) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(emulator.baseUrl() + op.path()))
                .header("Content-Type", "application/json")
                .method(op.method(), op.method().equals("GET") || op.method().equals("DELETE")
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}"));
        return h.send(b, true);
    }

    @Test
    void everyMessagingApiOperationIsServedAndAuthenticated() throws Exception {
        List<Op> ops = operations("messaging-api.yml");
        assertThat(ops).hasSizeGreaterThan(70);
        for (Op op : ops) {
            Http.Res r = send(anon, op);
            assertThat(r.status()).as(op + " " + r.body()).isEqualTo(401);
            assertThat(r.header("x-line-request-id")).isNotBlank();
        }
    }

    @Test
    void everyManageAudienceOperationIsServedAuthenticatedAndNever500() throws Exception {
        List<Op> ops = operations("manage-audience.yml");
        assertThat(ops).hasSize(12);
        for (Op op : ops) {
            Http.Res r = send(anon, op);
            assertThat(r.status()).as(op + " " + r.body()).isEqualTo(401);
            Http.Res authed = send(http, op);
            // Served (never 404 or 405), and an empty or odd request is a 4xx in LINE's shape.
            assertThat(authed.status()).as(op + " " + authed.body()).isBetween(400, 499).isNotIn(404, 405);
            assertThat(authed.json().path("message").isTextual()).as(op + " " + authed.body()).isTrue();
        }
    }

    @Test
    void everyInsightAndLiffOperationIsServedAndAuthenticated() throws Exception {
        List<Op> ops = new ArrayList<>(operations("liff.yml"));
        assertThat(ops).hasSize(4);
        ops.addAll(operations("insight.yml"));
        assertThat(ops).hasSize(11);
        for (Op op : ops) {
            Http.Res r = send(anon, op);
            assertThat(r.status()).as(op + " " + r.body()).isEqualTo(401);
            Http.Res authed = send(http, op);
            assertThat(authed.status()).as(op + " " + authed.body()).isNotIn(405, 500);
            if (op.path().contains("/richmenu/")) {
                // Served: an unknown rich menu is the documented 404, in LINE's shape.
                assertThat(authed.json().path("message").isTextual()).as(op + " " + authed.body()).isTrue();
            } else {
                assertThat(authed.status()).as(op + " " + authed.body()).isNotEqualTo(404);
            }
        }
    }

    @Test
    void everyModuleAndModuleAttachOperationIsServedAndAuthenticated() throws Exception {
        List<Op> ops = operations("module.yml");
        assertThat(ops).hasSize(4);
        for (Op op : ops) {
            Http.Res r = send(anon, op);
            assertThat(r.status()).as(op + " " + r.body()).isEqualTo(401);
            // A bot's own token is not a module channel's.
            assertThat(send(http, op).status()).as(op.toString()).isEqualTo(401);
        }
        List<Op> attach = operations("module-attach.yml");
        assertThat(attach).hasSize(1);
        Http.Res r = send(anon, attach.get(0));
        assertThat(r.status()).as(r.body()).isBetween(400, 401);
        assertThat(r.json().path("error").isTextual()).isTrue();
    }

    @Test
    void everyChannelAccessTokenOperationIsServed() throws Exception {
        List<Op> ops = operations("channel-access-token.yml");
        assertThat(ops).hasSize(8);
        for (Op op : ops) {
            Http.Res r = send(anon, op);
            assertThat(r.status()).as(op + " " + r.body()).isNotIn(404, 405, 500);
        }
    }

    @Test
    void noOperationAnswers500WithAValidTokenAndAnEmptyBody() throws Exception {
        for (Op op : operations("messaging-api.yml")) {
            Http.Res r = send(http, op);
            assertThat(r.status()).as(op + " " + r.body()).isNotIn(405, 500);
            if (r.status() >= 400) {
                assertThat(r.json().path("message").isTextual()).as(op + " " + r.body()).isTrue();
            }
        }
    }

    @Test
    void storedOperationsAnswerInTheSpecShapeThroughTheSdk() throws Exception {
        MessagingApiClient client = MessagingApiClient.builder(emulator.defaultChannel().accessToken())
                .apiEndPoint(URI.create(emulator.baseUrl())).build();
        client.createRichMenuAlias(new CreateRichMenuAliasRequest("alias-a", "richmenu-" + "0".repeat(32))).get();
        RichMenuAliasResponse alias = client.getRichMenuAlias("alias-a").get().body();
        assertThat(alias).isNotNull();
        Http.Res coupon = http.post("/v2/bot/coupon", "{}");
        assertThat(coupon.status()).isEqualTo(400); // the spec requires fields; the validator says which
        assertThat(coupon.json().path("details").size()).isGreaterThan(0);
        Http.Res units = http.get("/v2/bot/message/aggregation/info");
        assertThat(units.status()).isEqualTo(200);
        assertThat(units.json().has("numOfCustomAggregationUnits")).isTrue();
    }
}
