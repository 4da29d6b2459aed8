package io.linegate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.linegate.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A request the OpenAPI check refuses is answered as LINE answers it: 400, "The request body has N
 * error(s)", and one detail per mistake whose {@code property} is the deepest path that failed,
 * through discriminators, {@code allOf} and {@code oneOf}, and whose {@code message} says what was
 * expected.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ErrorPathsTest {
    static Emulator emulator;
    static Http http;

    @BeforeAll
    static void start() {
        emulator = Emulator.builder().rateLimits(false).build().start();
        http = new Http(emulator.baseUrl(), emulator.defaultChannel().accessToken());
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static JsonNode refused(String path, String body) {
        Http.Res r = http.post(path, body);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.header("x-line-request-id")).isNotNull();
        JsonNode details = r.json().path("details");
        assertThat(r.json().path("message").asText()).isEqualTo("The request body has " + details.size() + " error(s)");
        return details;
    }

    @Test
    void anUnknownFlexComponentIsNamedAtItsTypeWithTheAcceptedValues() throws Exception {
        // The official kitchensink's Flex Message with its footer's first component mistyped.
        ObjectNode body = (ObjectNode) Json.mapper().readTree(Files.readString(
                Path.of(getClass().getResource("corpus/java-kitchensink-flex.json").toURI())));
        ArrayNode footer = (ArrayNode) body.at("/messages/0/contents/footer/contents");
        ((ObjectNode) footer.get(1)).put("type", "buton");
        JsonNode details = refused("/v2/bot/message/validate/push", body.toString());
        assertThat(details).hasSize(1);
        assertThat(details.get(0).path("property").asText()).isEqualTo("messages[0].contents.footer.contents[1].type");
        assertThat(details.get(0).path("message").asText()).isEqualTo(
                "Must be one of the following values: [box, button, image, video, icon, text, span, separator, filler, spacer]");
    }

    @Test
    void aMissingRequiredPropertyInsideAFlexBubbleIsNamed() {
        JsonNode details = refused("/v2/bot/message/broadcast", "{\"messages\":[{\"type\":\"flex\",\"altText\":\"a\","
                + "\"contents\":{\"type\":\"bubble\",\"body\":{\"type\":\"box\",\"contents\":[]}}}]}");
        assertThat(details).hasSize(1);
        assertThat(details.get(0).path("property").asText()).isEqualTo("messages[0].contents.body.layout");
        assertThat(details.get(0).path("message").asText()).isEqualTo("May not be empty");
    }

    @Test
    void aWrongValueDeepInACarouselSaysWhichValuesAreAllowed() {
        JsonNode details = refused("/v2/bot/message/broadcast", "{\"messages\":[{\"type\":\"flex\",\"altText\":\"a\","
                + "\"contents\":{\"type\":\"carousel\",\"contents\":[{\"type\":\"bubble\"},{\"type\":\"bubble\",\"body\":{\"type\":\"box\","
                + "\"layout\":\"diagonal\",\"contents\":[{\"type\":\"text\",\"text\":\"x\"}]}}]}}]}");
        assertThat(details).hasSize(1);
        assertThat(details.get(0).path("property").asText()).isEqualTo("messages[0].contents.contents[1].body.layout");
        assertThat(details.get(0).path("message").asText()).isEqualTo("Must be one of the following values: [horizontal, vertical, baseline]");
    }

    @Test
    void mistakesInTwoMessagesAreTwoDetailsEachAtItsOwnPath() {
        JsonNode details = refused("/v2/bot/message/broadcast", "{\"messages\":["
                + "{\"type\":\"imagemap\",\"baseUrl\":\"https://example.com/rich\",\"altText\":\"a\",\"baseSize\":{\"width\":1040,\"height\":1040},"
                + "\"actions\":[{\"type\":\"uri\",\"linkUri\":\"https://example.com\",\"area\":{\"x\":\"zero\",\"y\":0,\"width\":1,\"height\":1}}]},"
                + "{\"type\":\"flex\",\"altText\":\"a\",\"contents\":{\"type\":\"bubble\",\"body\":{\"type\":\"box\",\"contents\":[]}}}]}");
        assertThat(details).hasSize(2);
        assertThat(details.findValuesAsText("property")).containsExactlyInAnyOrder(
                "messages[0].actions[0].area.x", "messages[1].contents.body.layout");
        for (JsonNode d : details) {
            if (d.path("property").asText().endsWith("area.x")) {
                assertThat(d.path("message").asText()).isEqualTo("Must be of type integer");
            }
        }
    }

    @Test
    void narrowcastRecipientsAndFiltersAreNamedThroughTheirOperators() {
        JsonNode details = refused("/v2/bot/message/narrowcast", "{\"messages\":[{\"type\":\"text\",\"text\":\"x\"}],"
                + "\"recipient\":{\"type\":\"operator\",\"and\":[{\"type\":\"audience\",\"audienceGroupId\":1},{\"type\":\"redelivery\",\"requestId\":5}]},"
                + "\"filter\":{\"demographic\":{\"type\":\"gender\",\"oneOf\":[\"robot\"]}}}");
        assertThat(details.findValuesAsText("property")).containsExactlyInAnyOrder(
                "recipient.and[1].requestId", "filter.demographic.oneOf[0]");
        assertThat(details.findValuesAsText("message")).containsExactlyInAnyOrder(
                "Must be of type string", "Must be one of the following values: [male, female]");
    }

    @Test
    void aWrongRecipientTypeIsNamedAtItsType() {
        JsonNode details = refused("/v2/bot/message/narrowcast", "{\"messages\":[{\"type\":\"text\",\"text\":\"x\"}],"
                + "\"recipient\":{\"type\":\"operator\",\"or\":[{\"type\":\"audiences\",\"audienceGroupId\":1}]}}");
        assertThat(details).hasSize(1);
        assertThat(details.get(0).path("property").asText()).isEqualTo("recipient.or[0].type");
        assertThat(details.get(0).path("message").asText()).startsWith("Must be one of the following values: [");
    }
}
