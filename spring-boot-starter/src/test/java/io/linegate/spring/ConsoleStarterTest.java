package io.linegate.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.core.Json;
import io.linegate.store.OperatorControls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The operator console inside a Spring Boot application: off unless enabled; when enabled, at
 * {@code /linegate/console} on the application's port, signed in with {@code linegate.console.admin-token},
 * and a change without the session's CSRF token is refused.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ConsoleStarterTest {
    static final String SECRET = "c0a50c0a50c0a50c0a50c0a50c0a50c";
    static final String ADMIN = "0123456789abcdef0123456789abcdef-console";
    final HttpClient http = HttpClient.newHttpClient();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    ConfigurableApplicationContext start(Path dir, String... more) {
        String[] props = {"linegate.store=sqlite:" + dir, "linegate.warm-up=0s", "server.port=0", "line.bot.channel-secret=" + SECRET};
        String[] all = new String[props.length + more.length];
        System.arraycopy(props, 0, all, 0, props.length);
        System.arraycopy(more, 0, all, props.length, more.length);
        return new SpringApplicationBuilder(App.class).web(WebApplicationType.SERVLET).properties(all).run();
    }

    static String base(ConfigurableApplicationContext app) {
        return "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
    }

    HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anOperatorSignsInReadsTheOverviewAndAChangeWithoutTheCsrfTokenIsRefused(@TempDir Path dir) throws Exception {
        try (ConfigurableApplicationContext app = start(dir, "linegate.console.enabled=true", "linegate.console.admin-token=" + ADMIN,
                "linegate.console.secure-cookie=false")) {
            String console = base(app) + "/linegate/console";
            assertThat(send(HttpRequest.newBuilder(URI.create(console + "/"))).body()).contains("linegate console");
            assertThat(send(HttpRequest.newBuilder(URI.create(console + "/api/overview"))).statusCode()).isEqualTo(401);
            HttpResponse<String> wrong = send(HttpRequest.newBuilder(URI.create(console + "/api/signin"))
                    .header("authorization", "Bearer " + ADMIN.replace('0', '1')).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")));
            assertThat(wrong.statusCode()).isEqualTo(401);

            HttpResponse<String> in = send(HttpRequest.newBuilder(URI.create(console + "/api/signin"))
                    .header("authorization", "Bearer " + ADMIN).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Ren\"}")));
            assertThat(in.statusCode()).isEqualTo(200);
            String setCookie = in.headers().firstValue("set-cookie").orElseThrow();
            assertThat(setCookie).contains("HttpOnly", "SameSite=Strict", "Path=/linegate/console");
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));
            String csrf = Json.mapper().readTree(in.body()).path("csrf").asText();
            assertThat(in.body()).doesNotContain(ADMIN);

            HttpResponse<String> overview = send(HttpRequest.newBuilder(URI.create(console + "/api/overview")).header("cookie", cookie));
            assertThat(overview.statusCode()).isEqualTo(200);
            assertThat(overview.headers().firstValue("content-security-policy")).hasValueSatisfying(v -> assertThat(v)
                    .contains("script-src 'self'"));
            JsonNode o = Json.mapper().readTree(overview.body());
            assertThat(o.path("samples").isArray()).isTrue();
            assertThat(o.path("status").path("bot").asText()).isEqualTo("default");
            assertThat(o.path("status").path("store").path("writable").asBoolean()).isTrue();

            HttpResponse<String> noCsrf = send(HttpRequest.newBuilder(URI.create(console + "/api/maintenance")).header("cookie", cookie)
                    .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"on\":true}")));
            assertThat(noCsrf.statusCode()).isEqualTo(403);
            assertThat(Json.mapper().readTree(noCsrf.body()).path("message").asText()).contains("CSRF");
            OperatorControls controls = app.getBean(LinegateChannels.class).all().get(0).store().controls();
            assertThat(controls.controls(OperatorControls.MAINTENANCE)).isEmpty();

            HttpResponse<String> withCsrf = send(HttpRequest.newBuilder(URI.create(console + "/api/maintenance")).header("cookie", cookie)
                    .header("x-csrf-token", csrf).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"on\":true}")));
            assertThat(withCsrf.statusCode()).isEqualTo(200);
            assertThat(controls.controls(OperatorControls.MAINTENANCE)).containsExactly("on");
            assertThat(controls.auditTrail(10)).extracting(OperatorControls.AuditEntry::action).contains("sign-in", "maintenance on");
        }
    }

    @Test
    void theConsoleIsOffUnlessEnabled(@TempDir Path dir) throws Exception {
        try (ConfigurableApplicationContext app = start(dir)) {
            assertThat(send(HttpRequest.newBuilder(URI.create(base(app) + "/linegate/console/"))).statusCode()).isEqualTo(404);
            assertThat(send(HttpRequest.newBuilder(URI.create(base(app) + "/linegate/console/api/signin"))
                    .header("authorization", "Bearer " + ADMIN).POST(HttpRequest.BodyPublishers.noBody())).statusCode())
                    .isIn(404, 405);
        }
    }

    @Test
    void enablingItWithoutAnAdminTokenFailsTheStartNamingTheProperty(@TempDir Path dir) {
        assertThatThrownBy(() -> start(dir, "linegate.console.enabled=true").close())
                .hasStackTraceContaining("linegate.console.admin-token is not set");
        assertThatThrownBy(() -> start(dir, "linegate.console.enabled=true", "linegate.console.admin-token=short").close())
                .hasStackTraceContaining("at least 32 characters");
    }
}
