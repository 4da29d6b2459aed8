package io.linegate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.linegate.core.Json;
import io.linegate.emulator.http.Tolerances;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * The emulator accepts what LINE accepts: every message request of LINE's official SDK samples
 * (the corpus in {@code src/test/resources/io/linegate/emulator/corpus}, sources in its
 * {@code SOURCES.md}) is pushed with the OpenAPI check on, and must be answered 200 and delivered.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CorpusTest {
    static Emulator emulator;
    static Http http;
    static Http control;
    static String user;

    @BeforeAll
    static void start() {
        emulator = Emulator.builder().rateLimits(false).build().start();
        http = new Http(emulator.baseUrl(), emulator.defaultChannel().accessToken());
        control = new Http(emulator.baseUrl(), null);
        user = control.post("/control/v1/users", "{\"displayName\":\"Corpus\"}").json().path("userId").asText();
        control.post("/control/v1/users/" + user + "/follow", "");
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    static Path corpus() throws URISyntaxException {
        return Path.of(CorpusTest.class.getResource("corpus/SOURCES.md").toURI()).getParent();
    }

    static List<Path> requests() throws Exception {
        try (Stream<Path> files = Files.list(corpus())) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everySampleRequestIsAcceptedAndDelivered() throws Exception {
        return requests().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            ObjectNode body = (ObjectNode) Json.mapper().readTree(Files.readString(file));
            int messages = body.path("messages").size();
            Http.Res validated = http.post("/v2/bot/message/validate/push", body.toString());
            assertThat(validated.status()).as(validated.body()).isEqualTo(200);

            int before = inbox().size();
            body.put("to", user);
            Http.Res pushed = http.post("/v2/bot/message/push", body.toString());
            assertThat(pushed.status()).as(pushed.body()).isEqualTo(200);
            assertThat(pushed.json().path("sentMessages")).hasSize(messages);
            JsonNode inbox = inbox();
            assertThat(inbox).hasSize(before + messages);
            // Delivered as sent: the last message the user got is the request's last message.
            assertThat(inbox.get(inbox.size() - 1).path("message").path("type").asText())
                    .isEqualTo(body.path("messages").get(messages - 1).path("type").asText());
        }));
    }

    private static JsonNode inbox() {
        return control.get("/control/v1/users/" + user + "/inbox").json().path("messages");
    }

    @Test
    void theCorpusCoversTheSamplesAndEveryFileHasItsSource() throws Exception {
        String sources = Files.readString(corpus().resolve("SOURCES.md"));
        List<Path> files = requests();
        assertThat(files).hasSizeGreaterThanOrEqualTo(29);
        for (Path f : files) {
            String name = f.getFileName().toString();
            String stem = name.substring(0, name.indexOf('-', name.indexOf('-') + 1) + 1);
            assertThat(sources).as(name + " is listed in SOURCES.md").contains(stem);
        }
        // The official kitchensink samples' spacer is in the corpus.
        assertThat(Files.readString(corpus().resolve("java-kitchensink-flex.json"))).contains("\"spacer\"");
        assertThat(Files.readString(corpus().resolve("go-kitchensink-flex-json.json"))).contains("\"spacer\"");
    }

    @Test
    void everyToleranceNamesTheDocumentationThatAllowsIt() {
        assertThat(Tolerances.MESSAGING_API).isNotEmpty();
        for (Tolerances.Tolerance t : Tolerances.MESSAGING_API) {
            assertThat(t.documentation()).startsWith("LINE Developers, ");
        }
    }
}
