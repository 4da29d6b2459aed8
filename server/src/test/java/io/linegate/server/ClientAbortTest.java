package io.linegate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpRequestWriter;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import io.linegate.core.Secret;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that goes away before its answer (its HTTP/2 streams closed with the connection) is a
 * client abort: counted as {@code 499} in the webhook meters, never a {@code 500}, in a bounded
 * number of lines in {@code linegate.client-errors}, and no error or stack trace in the log.
 */
@Timeout(120)
class ClientAbortTest {
    static final Secret SECRET = Secret.of("c0ffeec0ffeec0ffeec0ffeec0ffee01", "LINE_CHANNEL_SECRET");

    @TempDir
    Path dir;
    LinegateServer server;
    CapturedLogs logs = CapturedLogs.capture();
    final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        logs.close();
    }

    long requests(String status) throws Exception {
        String metrics = http.send(java.net.http.HttpRequest.newBuilder(URI.create(server.adminUri() + "/metrics")).build(), // fully qualified: Armeria's HttpRequest is imported
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("linegate_webhook_requests_total\\{[^}]*status=\"" + status + "\"[^}]*} ([0-9.]+)")
                .matcher(metrics);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void aHundredHttp2StreamsClosedWithTheirConnectionBeforeTheirBodiesAreClientAbortsNotErrors() throws Exception {
        server = LinegateServer.builder(new RecordingBot(), SECRET).host("127.0.0.1").port(0)
                .tls(ServerTls.insecureHttp()).dataDir(dir).adminPort(0).requestTimeout(Duration.ofSeconds(30))
                .maxStreamsPerConnection(101).build().start();
        ClientFactory factory = ClientFactory.builder().build();
        try {
            WebClient h2c = WebClient.builder("h2c://127.0.0.1:" + server.port()).factory(factory)
                    .responseTimeout(Duration.ofSeconds(60)).build();
            for (int i = 0; i < 100; i++) {
                // Headers that announce a body, then nothing, then the connection closes.
                HttpRequestWriter req = HttpRequest.streaming(RequestHeaders.builder(HttpMethod.POST, "/webhook")
                        .contentType(MediaType.JSON_UTF_8).build());
                h2c.execute(req).aggregate();
            }
            // A 101st stream on the same connection: once it is answered, the server has read the 100 before it.
            assertThat(h2c.get("/health/live").aggregate().get(10, java.util.concurrent.TimeUnit.SECONDS).status().code())
                    .isEqualTo(200);
        } finally {
            factory.close(); // the connection and its 100 streams go away
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> requests("499") == 100);
        assertThat(requests("500")).isZero();
        List<ILoggingEvent> errors = logs.events.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR)).toList();
        assertThat(errors).extracting(ILoggingEvent::getFormattedMessage).isEmpty();
        assertThat(logs.events).allSatisfy(e -> assertThat(e.getThrowableProxy()).as(e.getFormattedMessage()).isNull());
        List<ILoggingEvent> aborts = logs.of("linegate.client-errors");
        assertThat(aborts).isNotEmpty().hasSizeLessThanOrEqualTo(21);
        assertThat(aborts.get(0).getFormattedMessage()).contains("went away before its answer");
        assertThat(aborts).extracting(e -> e.getFormattedMessage().split(" ")[0]).as("one line per request").doesNotHaveDuplicates();
    }
}
