package io.linegate.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linegate.emulator.Emulator;
import io.linegate.store.ImmutableFiles;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A channel whose store cannot write (its files refuse writes, as on a read-only remount or after I/O errors) is
 * reported DOWN by the {@code linegate} health indicator and answers webhooks {@code 503} before reading them, as
 * {@code serve} does, so that a load balancer sends them elsewhere; it takes them again by itself once a write succeeds.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class UnwritableStoreStarterTest {
    static final String SECRET = "5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e";

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    @Test
    void aStoreThatCannotWriteIsDownAnd503UntilItCanAgain(@TempDir Path dir) throws Exception {
        try (Emulator emulator = Emulator.builder().port(0).start();
             ConfigurableApplicationContext app = new SpringApplicationBuilder(App.class).web(WebApplicationType.SERVLET)
                     .properties("linegate.store=sqlite:" + dir, "linegate.warm-up=0s", "server.port=0",
                             "line.bot.channel-secret=" + SECRET, "line.bot.channel-token=" + emulator.defaultChannel().accessToken(),
                             "line.bot.api-end-point=" + emulator.baseUrl())
                     .run()) {
            String url = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port") + "/callback";
            LinegateChannels channels = app.getBean(LinegateChannels.class);
            String user = "U" + "1".repeat(32);
            assertThat(Webhooks.signedPost(url, Webhooks.text(user, "before"), SECRET).statusCode()).isEqualTo(200);
            assertThat(health(channels)).isEqualTo("UP");

            List<Path> files;
            try (Stream<Path> found = Files.walk(dir)) {
                files = found.filter(p -> p.getFileName().toString().matches("linegate\\.db(-wal)?")).toList();
            }
            assertThat(files).hasSize(2);
            try (ImmutableFiles immutable = ImmutableFiles.of(files)) {
                immutable.refuseWrites();
                // The first webhook finds out (its append fails: 503 "could not be stored"); from then on the store says it
                // cannot write, the health is DOWN and webhooks are refused before their body is read.
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    HttpResponse<String> r = Webhooks.signedPost(url, Webhooks.text(user, "while refused"), SECRET);
                    assertThat(r.statusCode()).isEqualTo(503);
                    return r.body().contains("cannot store webhooks now");
                });
                assertThat(health(channels)).isEqualTo("DOWN");
                immutable.allowWrites();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> health(channels).equals("UP"));
            assertThat(Webhooks.signedPost(url, Webhooks.text(user, "after"), SECRET).statusCode()).isEqualTo(200);
        }
    }

    static String health(LinegateChannels channels) {
        Map<String, Object> details = new LinkedHashMap<>();
        return LinegateActuatorAutoConfiguration.health(channels, details);
    }
}
