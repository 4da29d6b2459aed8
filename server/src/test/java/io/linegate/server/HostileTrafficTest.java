package io.linegate.server;

import static io.linegate.webhook.Webhooks.body;
import static io.linegate.webhook.Webhooks.text;
import static io.linegate.webhook.Webhooks.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequestWriter;
import com.linecorp.armeria.common.RequestHeaders;
import io.linegate.core.Secret;
import io.linegate.core.WebhookSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a careless or hostile client sends the public port: each gets the status it deserves in
 * LINE's error shape, one rate-limited line in the log without a stack trace, and nothing that looks
 * like a storage failure; a request whose framing two parsers could read differently is refused, and
 * the bytes after it are never read as a second request.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HostileTrafficTest {
    static final Secret SECRET = Secret.of("c0ffeec0ffeec0ffeec0ffeec0ffee01", "LINE_CHANNEL_SECRET");
    static final String SMUGGLED = "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

    @TempDir
    Path dir;
    RecordingBot bot = new RecordingBot();
    LinegateServer server;
    CapturedLogs logs = CapturedLogs.capture();

    LinegateServer start(boolean tls, Duration requestTimeout) {
        server = LinegateServer.builder(bot, SECRET)
                .host("127.0.0.1").port(0).tls(tls ? ServerTls.selfSigned() : ServerTls.insecureHttp()).dataDir(dir)
                .requestTimeout(requestTimeout)
                .build().start();
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        logs.close();
    }

    List<ILoggingEvent> clientErrorLines() {
        return logs.of("linegate.client-errors");
    }

    void assertNoStorageFailureAndNoStackTrace() {
        assertThat(logs.events).noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains("could not journal"));
        assertThat(logs.events).allSatisfy(e -> assertThat(e.getThrowableProxy()).as(e.getFormattedMessage()).isNull());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "POST /webhook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\nContent-Length: 13\r\n\r\n{\"events\":[]}",
        "POST /webhook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\nContent-Length: 13\r\n\r\n{\"events\":[]}",
        "POST /webhook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST /webhook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
        "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 13\r\n\r\n{\"events\":[]}",
        "GET /health HTTP/1.1\r\n\r\n",
        "GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    })
    void ambiguousFramingIsRefusedWith400AndTheBytesAfterItAreNeverReadAsARequest(String request) throws Exception {
        start(false, Duration.ofSeconds(10));
        RawHttp.Exchange ex = RawHttp.send(server.port(), false, request + SMUGGLED, 1500);
        assertThat(ex.statuses()).as(ex.text()).containsExactly(400);
        assertThat(ex.text()).contains("{\"message\":");
        assertThat(ex.closedByServer()).isTrue();
        // The control case: the same smuggled request on its own is answered.
        assertThat(RawHttp.send(server.port(), false, SMUGGLED, 1000).statuses()).containsExactly(200);
        assertNoStorageFailureAndNoStackTrace();
    }

    @Test
    void ambiguousFramingIsRefusedOverTlsToo() throws Exception {
        start(true, Duration.ofSeconds(10));
        RawHttp.Exchange ex = RawHttp.send(server.port(), true, "POST /webhook HTTP/1.1\r\nHost: x\r\n"
                + "Transfer-Encoding: xchunked\r\nContent-Length: 13\r\n\r\n{\"events\":[]}" + SMUGGLED, 1500);
        assertThat(ex.statuses()).as(ex.text()).containsExactly(400);
        assertThat(RawHttp.send(server.port(), true, "GET /health HTTP/1.1\r\n\r\n", 1500).statuses()).containsExactly(400);
        assertThat(RawHttp.send(server.port(), true, SMUGGLED, 1000).statuses()).containsExactly(200);
    }

    @Test
    void aBodySlowerThanTheRequestTimeoutIs408AndOneLineWithoutAStackTrace() throws Exception {
        start(false, Duration.ofSeconds(1));
        RawHttp.Exchange ex = RawHttp.send(server.port(), false,
                "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"events\"", 4000);
        assertThat(ex.statuses()).as(ex.text()).containsExactly(408);
        assertThat(ex.text()).contains("did not arrive within the request timeout");
        assertThat(ex.closedByServer()).as("the rest of the body is not waited for").isTrue();
        await().atMost(Duration.ofSeconds(2)).until(() -> !clientErrorLines().isEmpty());
        assertThat(clientErrorLines()).singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
                .contains("POST /webhook").contains("answered 408"));
        assertNoStorageFailureAndNoStackTrace();
        assertThat(server.store().journal().inbox(0, 10)).isEmpty();
    }

    @Test
    void aMalformedChunkIs400AndNotAStorageFailure() throws Exception {
        start(false, Duration.ofSeconds(10));
        RawHttp.Exchange ex = RawHttp.send(server.port(), false,
                "POST /webhook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 3000);
        assertThat(ex.statuses()).containsExactly(400);
        await().atMost(Duration.ofSeconds(2)).until(() -> !clientErrorLines().isEmpty());
        assertThat(clientErrorLines()).singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
                .contains("chunk size").contains("answered 400"));
        assertNoStorageFailureAndNoStackTrace();
    }

    @Test
    void aDeclaredBodyOverTheLimitIs413BeforeItIsRead() throws Exception {
        start(false, Duration.ofSeconds(10));
        RawHttp.Exchange ex = RawHttp.send(server.port(), false,
                "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n{", 1500);
        assertThat(ex.statuses()).containsExactly(413);
        assertThat(ex.text()).contains("{\"message\":\"The request body is larger than the limit\"}");
        await().atMost(Duration.ofSeconds(2)).until(() -> !clientErrorLines().isEmpty());
        assertNoStorageFailureAndNoStackTrace();
    }

    @Test
    void clientErrorsAreLoggedAtABoundedRate() throws Exception {
        start(false, Duration.ofSeconds(10));
        for (int i = 0; i < 200; i++) {
            RawHttp.send(server.port(), false, "GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 2000);
        }
        assertThat(clientErrorLines()).hasSize(20);
        assertThat(logs.events.stream().mapToInt(e -> e.getFormattedMessage().length()).sum())
                .as("log volume for 200 malformed requests").isLessThan(200 * 200);
    }

    @Test
    void onlyARealStorageFailureIsLoggedAsCouldNotJournal() throws Exception {
        start(false, Duration.ofSeconds(10));
        server.store().close();
        byte[] body = body(text(user(1), "the store is gone"));
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(server.baseUri() + "/webhook"))
                .header("x-line-signature", WebhookSignature.sign(SECRET, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(res.body()).isEqualTo("{\"message\":\"The webhook could not be stored\"}");
        assertThat(logs.events).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("could not journal"));
    }

    @Test
    void aSignedWebhookStillWorksBetweenAllThat() throws Exception {
        start(false, Duration.ofSeconds(10));
        RawHttp.send(server.port(), false, "GET /health HTTP/1.1\r\n\r\n", 1000);
        RawHttp.send(server.port(), false, "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n{", 500);
        byte[] body = body(text(user(1), "hello"));
        String request = "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nx-line-signature: "
                + WebhookSignature.sign(SECRET, body) + "\r\nConnection: close\r\nContent-Length: " + body.length + "\r\n\r\n"
                + new String(body, StandardCharsets.ISO_8859_1);
        assertThat(RawHttp.send(server.port(), false, request, 2000).statuses()).containsExactly(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> bot.handled.size() == 1);
    }

    @Test
    void aThousandBodylessHttp2StreamsGet408AndABoundedLog() throws Exception {
        start(false, Duration.ofSeconds(1));
        List<CompletableFuture<AggregatedHttpResponse>> responses =
                new ArrayList<>();
        try (ClientFactory factory = ClientFactory.builder().build()) {
            WebClient h2c = WebClient
                    .builder("h2c://127.0.0.1:" + server.port()).factory(factory)
                    .responseTimeout(Duration.ofSeconds(30)).build();
            for (int i = 0; i < 1000; i++) {
                // Headers that announce a body, and then nothing: the stream stays open until the request timeout.
                HttpRequestWriter req = com.linecorp.armeria.common.HttpRequest.streaming(  // fully qualified: the JDK's HttpRequest is imported
                        RequestHeaders.of(HttpMethod.POST, "/webhook"));
                responses.add(h2c.execute(req).aggregate());
            }
            CompletableFuture.allOf(responses.toArray(new CompletableFuture[0]))
                    .get(60, TimeUnit.SECONDS);
        }
        assertThat(responses).allSatisfy(f -> assertThat(f.join().status().code()).isEqualTo(408));
        await().atMost(Duration.ofSeconds(2)).until(() -> clientErrorLines().size() >= 20);
        assertNoStorageFailureAndNoStackTrace();
        long diagnostics = logs.events.stream().filter(e -> !e.getLoggerName().equals("linegate.access"))
                .mapToLong(e -> e.getFormattedMessage().length()).sum();
        assertThat(diagnostics).as("bytes of log besides the access log, for 1,000 streams").isLessThan(20_000);
        assertThat(clientErrorLines().size()).isLessThanOrEqualTo(21);
    }
}
