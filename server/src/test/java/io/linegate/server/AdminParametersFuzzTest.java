package io.linegate.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.linegate.core.Json;
import io.linegate.core.Secret;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;

/**
 * The admin API's parameters against anything a caller types (the seed corpus runs in every build;
 * {@code JAZZER_FUZZ=1} fuzzes, see docs/fuzzing.md): a success or a 4xx in LINE's error shape
 * naming the problem, never a 5xx.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AdminParametersFuzzTest {
    static final Secret ADMIN = Secret.of("fuzz-admin-token-0123456789abcdef", "LINEGATE_ADMIN_TOKEN");
    static final Set<Integer> ALLOWED = Set.of(200, 400, 404, 405);
    static LinegateServer server;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static synchronized LinegateServer server() throws Exception {
        if (server == null) {
            server = LinegateServer.builder(new RecordingBot(), Secret.of("c0ffeec0ffeec0ffeec0ffeec0ffee01", "secret"))
                    .host("127.0.0.1").port(0).tls(ServerTls.insecureHttp())
                    .dataDir(Files.createTempDirectory("linegate-fuzz-admin")).adminPort(0).adminToken(ADMIN)
                    .build().start();
        }
        return server;
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @FuzzTest(maxDuration = "60s")
    void anyParameterIsAnsweredWithoutA5xx(FuzzedDataProvider data) throws Exception {
        LinegateServer s = server();
        int which = data.consumeInt(0, 4);
        String value = data.consumeRemainingAsString();
        String query = URLEncoder.encode(value, StandardCharsets.UTF_8);
        String segment = query.replace("+", "%20");
        String method;
        String path;
        switch (which) {
            case 0 -> { method = "GET"; path = "/admin/events/dead?limit=" + query; }
            case 1 -> { method = "POST"; path = "/admin/events/dead/" + segment + "/replay"; }
            case 2 -> { method = "PUT"; path = "/admin/mute/" + segment; }
            case 3 -> { method = "DELETE"; path = "/admin/mute/" + segment; }
            default -> { method = "PUT"; path = "/admin/maintenance/" + segment; }
        }
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(s.adminUri() + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + ADMIN.reveal())
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as("%s %s -> %s", method, path, res.body()).isIn(ALLOWED);
        if (res.statusCode() == 400) {
            assertThat(Json.mapper().readTree(res.body()).path("message").asText()).isNotEmpty();
        }
    }

    @FuzzTest(maxDuration = "30s")
    void aWholeNumberIsAcceptedExactlyWhenItIsDigitsWithinRange(FuzzedDataProvider data) {
        long min = data.consumeLong(0, 10);
        long max = data.consumeLong(min, Long.MAX_VALUE);
        String text = data.consumeRemainingAsString();
        Long n = AdminService.wholeNumber(text, min, max);
        boolean digits = !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9');
        if (n != null) {
            assertThat(digits).isTrue();
            assertThat(n).isBetween(min, max);
            assertThat(new BigInteger(text)).isEqualTo(BigInteger.valueOf(n));
        } else if (digits) {
            BigInteger v = new BigInteger(text);
            assertThat(v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0)
                    .as("%s refused within [%d, %d]", text, min, max).isTrue();
        }
    }
}
