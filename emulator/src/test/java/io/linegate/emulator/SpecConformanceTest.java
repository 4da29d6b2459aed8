package io.linegate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.core.Json;
import io.linegate.emulator.http.SpecValidator;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every operation of messaging-api.yml gets a valid request, must answer 2xx, and its response must
 * conform to the spec's response schema (read from the shared specs at test time).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SpecConformanceTest {
    static final Path SPEC = SharedSpecs.file("messaging-api.yml");

    record Step(String method, String path, String body, String contentType) {}

    @Test
    void everyOperationAnswersAValidRequestInTheSpecShape() throws Exception {
        String yaml = Files.exists(SPEC) ? Files.readString(SPEC) : SpecValidator.resource("/openapi/messaging-api.yml");
        OpenApiInteractionValidator validator = OpenApiInteractionValidator
                .createForInlineApiSpecification(SpecValidator.discriminatorsRequired(yaml))
                .withResolveCombinators(true)
                // The spec declares no content for 200s that the platform answers with "{}"
                // (Messaging API docs, "Receive messages (webhook)" and "Check webhook error statistics"; Messaging API reference: set webhook endpoint, markAsRead, leave...).
                .withLevelResolver(LevelResolver.create()
                        .withLevel("validation.response.body.unexpected", ValidationReport.Level.IGNORE)
                        .build())
                .build();
        Receiver receiver = new Receiver();
        try (Emulator e = Emulator.builder().rateLimits(false).webhookUrl(receiver.url()).build().start()) {
            Http control = new Http(e.baseUrl(), null);
            Http http = new Http(e.baseUrl(), e.defaultChannel().accessToken());
            String u = control.post("/control/v1/users", "{\"displayName\":\"Spec\"}").json().path("userId").asText();
            control.post("/control/v1/users/" + u + "/follow", "");
            String g = control.post("/control/v1/groups", "{\"name\":\"G\",\"members\":[\"" + u + "\"]}").json().path("groupId").asText();
            String r = control.post("/control/v1/groups", "{\"type\":\"room\",\"members\":[\"" + u + "\"]}").json().path("groupId").asText();
            String image = control.post("/control/v1/users/" + u + "/messages", "{\"type\":\"image\",\"contentType\":\"image/png\",\"contentBase64\":\""
                    + Base64.getEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G'}) + "\"}").json().path("messageId").asText();
            String video = control.post("/control/v1/users/" + u + "/messages", "{\"type\":\"video\",\"contentType\":\"video/mp4\",\"contentBase64\":\"AAAA\"}")
                    .json().path("messageId").asText();
            String replyToken = control.post("/control/v1/users/" + u + "/messages", "{\"type\":\"text\",\"text\":\"x\"}").json().path("replyToken").asText();
            // Wait for the webhooks (follow, 2 joins, 3 messages) so that tokens are delivered, and
            // pick the markAsReadToken the text message event carried.
            String markAsRead = null;
            int events = 0;
            while (events < 6) {
                for (JsonNode ev : Json.mapper().readTree(receiver.take().contentUtf8()).path("events")) {
                    events++;
                    if (ev.path("message").path("id").asText().length() > 0 && ev.path("replyToken").asText().equals(replyToken)) {
                        markAsRead = ev.path("message").path("markAsReadToken").asText();
                    }
                }
            }
            String narrowcastId = http.post("/v2/bot/message/narrowcast", "{\"messages\":[{\"type\":\"text\",\"text\":\"n\"}]}").header("x-line-request-id");
            String richMenu = "{\"size\":{\"width\":2500,\"height\":1686},\"selected\":false,\"name\":\"m\",\"chatBarText\":\"Tap\",\"areas\":[]}";
            String richMenuId = http.post("/v2/bot/richmenu", richMenu).json().path("richMenuId").asText();
            String yesterday = LocalDate.now(ZoneId.of("Asia/Tokyo")).minusDays(1).format(DateTimeFormatter.BASIC_ISO_DATE);
            String text = "{\"messages\":[{\"type\":\"text\",\"text\":\"hi\"}]}";
            String coupon = "{\"acquisitionCondition\":{\"type\":\"normal\"},\"startTimestamp\":1700000000,\"endTimestamp\":1800000000,"
                    + "\"maxUseCountPerTicket\":1,\"title\":\"Coupon\",\"visibility\":\"PUBLIC\",\"timezone\":\"ASIA_TOKYO\"}";

            List<Step> steps = new ArrayList<>(List.of(
                    new Step("GET", "/v2/bot/channel/webhook/endpoint", null, null),
                    new Step("PUT", "/v2/bot/channel/webhook/endpoint", "{\"endpoint\":\"" + receiver.url() + "\"}", "application/json"),
                    new Step("POST", "/v2/bot/channel/webhook/test", "{}", "application/json"),
                    new Step("GET", "/v2/bot/message/" + image + "/content", null, null),
                    new Step("GET", "/v2/bot/message/" + image + "/content/preview", null, null),
                    new Step("GET", "/v2/bot/message/" + video + "/content/transcoding", null, null),
                    new Step("POST", "/v2/bot/richmenu", richMenu, "application/json"),
                    new Step("POST", "/v2/bot/chat/markAsRead", "{\"markAsReadToken\":\"" + markAsRead + "\"}", "application/json"),
                    new Step("POST", "/v2/bot/message/reply", "{\"replyToken\":\"" + replyToken + "\",\"messages\":[{\"type\":\"text\",\"text\":\"r\"}]}", "application/json"),
                    new Step("POST", "/v2/bot/message/push", "{\"to\":\"" + u + "\",\"messages\":[{\"type\":\"text\",\"text\":\"p\"}]}", "application/json"),
                    new Step("POST", "/v2/bot/message/multicast", "{\"to\":[\"" + u + "\"],\"messages\":[{\"type\":\"text\",\"text\":\"m\"}]}", "application/json"),
                    new Step("POST", "/v2/bot/message/narrowcast", text, "application/json"),
                    new Step("GET", "/v2/bot/message/progress/narrowcast?requestId=" + narrowcastId, null, null),
                    new Step("POST", "/v2/bot/message/broadcast", text, "application/json"),
                    new Step("GET", "/v2/bot/message/quota", null, null),
                    new Step("GET", "/v2/bot/message/quota/consumption", null, null),
                    new Step("GET", "/v2/bot/message/aggregation/info", null, null),
                    new Step("GET", "/v2/bot/message/aggregation/list", null, null),
                    new Step("GET", "/v2/bot/profile/" + u, null, null),
                    new Step("GET", "/v2/bot/followers/ids", null, null),
                    new Step("GET", "/v2/bot/info", null, null),
                    new Step("GET", "/v2/bot/group/" + g + "/member/" + u, null, null),
                    new Step("GET", "/v2/bot/room/" + r + "/member/" + u, null, null),
                    new Step("GET", "/v2/bot/group/" + g + "/members/ids", null, null),
                    new Step("GET", "/v2/bot/room/" + r + "/members/ids", null, null),
                    new Step("GET", "/v2/bot/group/" + g + "/summary", null, null),
                    new Step("GET", "/v2/bot/group/" + g + "/members/count", null, null),
                    new Step("GET", "/v2/bot/room/" + r + "/members/count", null, null),
                    new Step("POST", "/v2/bot/richmenu/validate", richMenu, "application/json"),
                    new Step("POST", "/v2/bot/richmenu/" + richMenuId + "/content", "PNG", "image/png"),
                    new Step("GET", "/v2/bot/richmenu/" + richMenuId + "/content", null, null),
                    new Step("GET", "/v2/bot/richmenu/" + richMenuId, null, null),
                    new Step("GET", "/v2/bot/richmenu/list", null, null),
                    new Step("POST", "/v2/bot/user/all/richmenu/" + richMenuId, null, null),
                    new Step("GET", "/v2/bot/user/all/richmenu", null, null),
                    new Step("POST", "/v2/bot/richmenu/alias", "{\"richMenuAliasId\":\"alias-1\",\"richMenuId\":\"" + richMenuId + "\"}", "application/json"),
                    new Step("GET", "/v2/bot/richmenu/alias/alias-1", null, null),
                    new Step("POST", "/v2/bot/richmenu/alias/alias-1", "{\"richMenuId\":\"" + richMenuId + "\"}", "application/json"),
                    new Step("GET", "/v2/bot/richmenu/alias/list", null, null),
                    new Step("POST", "/v2/bot/user/" + u + "/richmenu/" + richMenuId, null, null),
                    new Step("GET", "/v2/bot/user/" + u + "/richmenu", null, null),
                    new Step("DELETE", "/v2/bot/user/" + u + "/richmenu", null, null),
                    new Step("POST", "/v2/bot/richmenu/bulk/link", "{\"richMenuId\":\"" + richMenuId + "\",\"userIds\":[\"" + u + "\"]}", "application/json"),
                    new Step("POST", "/v2/bot/richmenu/bulk/unlink", "{\"userIds\":[\"" + u + "\"]}", "application/json"),
                    new Step("POST", "/v2/bot/richmenu/validate/batch", "{\"operations\":[{\"type\":\"unlinkAll\"}]}", "application/json"),
                    new Step("POST", "/v2/bot/richmenu/batch", "{\"operations\":[{\"type\":\"unlinkAll\"}]}", "application/json"),
                    new Step("GET", "/v2/bot/richmenu/progress/batch?requestId=abc", null, null),
                    new Step("POST", "/v2/bot/user/" + u + "/linkToken", null, null),
                    new Step("POST", "/v2/bot/message/markAsRead", "{\"chat\":{\"userId\":\"" + u + "\"}}", "application/json"),
                    new Step("POST", "/bot/pnp/push", "{\"to\":\"" + "a".repeat(64) + "\",\"messages\":[{\"type\":\"text\",\"text\":\"p\"}]}", "application/json"),
                    new Step("GET", "/v2/bot/message/delivery/pnp?date=" + yesterday, null, null),
                    new Step("GET", "/v2/bot/membership/subscription/" + u, null, null),
                    new Step("GET", "/v2/bot/membership/list", null, null),
                    new Step("GET", "/v2/bot/membership/1/users/ids", null, null),
                    new Step("GET", "/v2/bot/coupon", null, null),
                    new Step("POST", "/v2/bot/coupon", coupon, "application/json"),
                    new Step("GET", "/v2/bot/coupon/c1", null, null),
                    new Step("PUT", "/v2/bot/coupon/c1/close", null, null),
                    new Step("POST", "/v2/bot/chat/loading/start", "{\"chatId\":\"" + u + "\",\"loadingSeconds\":5}", "application/json"),
                    new Step("DELETE", "/v2/bot/richmenu/alias/alias-1", null, null),
                    new Step("DELETE", "/v2/bot/user/all/richmenu", null, null),
                    new Step("DELETE", "/v2/bot/richmenu/" + richMenuId, null, null),
                    new Step("POST", "/v2/bot/group/" + g + "/leave", null, null),
                    new Step("POST", "/v2/bot/room/" + r + "/leave", null, null)));
            for (String kind : List.of("reply", "push", "multicast", "narrowcast", "broadcast")) {
                steps.add(new Step("POST", "/v2/bot/message/validate/" + kind, text, "application/json"));
            }
            for (String kind : List.of("reply", "push", "multicast", "broadcast")) {
                steps.add(new Step("GET", "/v2/bot/message/delivery/" + kind + "?date=" + yesterday, null, null));
            }

            Set<String> covered = new HashSet<>();
            List<String> problems = new ArrayList<>();
            for (Step s : steps) {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(e.baseUrl() + s.path()));
                if (s.contentType() != null) {
                    b.header("Content-Type", s.contentType());
                }
                b.method(s.method(), s.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(s.body()));
                Http.Res res = http.send(b, true);
                String path = s.path().contains("?") ? s.path().substring(0, s.path().indexOf('?')) : s.path();
                if (res.status() / 100 != 2) {
                    problems.add(s.method() + " " + s.path() + " -> " + res.status() + " " + res.body());
                    continue;
                }
                SimpleResponse.Builder rb = SimpleResponse.Builder.status(res.status());
                String ct = res.header("content-type");
                if (ct != null) {
                    rb.withContentType(ct);
                }
                if (!res.body().isEmpty()) {
                    rb.withBody(res.body());
                }
                ValidationReport report = validator.validateResponse(path, Request.Method.valueOf(s.method()), rb.build());
                report.getMessages().stream()
                        .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                        .forEach(m -> problems.add(s.method() + " " + path + ": " + m.getMessage() + " in " + res.body()));
                covered.add(s.method() + " " + operationOf(path));
            }
            assertThat(problems).isEmpty();
            // Every operation of the spec had a step.
            JsonNode spec = Json.yaml().readTree(yaml);
            List<String> missing = new ArrayList<>();
            Iterator<Map.Entry<String, JsonNode>> it = spec.path("paths").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> p = it.next();
                p.getValue().fieldNames().forEachRemaining(m -> {
                    String op = m.toUpperCase() + " " + p.getKey().replaceAll("\\{[^}]+}", "*");
                    if (List.of("GET", "POST", "PUT", "DELETE").contains(m.toUpperCase()) && !covered.contains(op)) {
                        missing.add(op);
                    }
                });
            }
            assertThat(missing).isEmpty();
        } finally {
            receiver.close();
        }
    }

    /** The spec path a concrete path belongs to, with parameters as {@code *}. */
    private static String operationOf(String path) {
        return path
                .replaceAll("/(U|C|R)[0-9a-f]{32}", "/*")
                .replaceAll("/message/\\d+/", "/message/*/")
                .replaceAll("/richmenu-[0-9a-f]{32}", "/*")
                .replaceAll("/alias/alias-1", "/alias/*")
                .replaceAll("/membership/1/", "/membership/*/")
                .replaceAll("/coupon/c1", "/coupon/*");
    }
}
