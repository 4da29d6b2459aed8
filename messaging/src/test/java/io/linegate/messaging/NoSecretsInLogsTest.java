package io.linegate.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.linecorp.bot.messaging.model.TextMessage;
import io.linegate.core.Secret;
import io.linegate.emulator.Emulator;
import io.linegate.messaging.token.TokenManager;
import io.linegate.store.ApiRequestLog.ApiCall;
import io.linegate.store.Store;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Every log line of a sending session with retries, refusals and token issuing, scanned for credentials. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class NoSecretsInLogsTest {
    @TempDir
    Path dir;

    @Test
    void noTokenOrSecretReachesAnyLogLineOrTheApiLog() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        Level level = root.getLevel();
        root.setLevel(Level.DEBUG); // the most talkative the libraries get
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.list = new CopyOnWriteArrayList<>(); // the emulator's threads may still append while the test reads
        logs.start();
        root.addAppender(logs);
        List<String> secrets = new ArrayList<>();
        try (Emulator emulator = Emulator.builder().port(0).start(); Store store = Store.sqlite(dir)) {
            secrets.add(emulator.defaultChannel().channelSecret());
            secrets.add(emulator.defaultChannel().accessToken());
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            http.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/control/v1/faults"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"endpoint\":\"/v2/bot/message/push\",\"errorRate\":1.0,\"count\":1}"))
                    .build(), HttpResponse.BodyHandlers.discarding());

            TokenManager tokens = TokenManager.shortLived(emulator.defaultChannel().channelId(),
                    Secret.of(emulator.defaultChannel().channelSecret(), "secret")).store(store.tokens())
                    .apiBase(URI.create(emulator.baseUrl())).build();
            MessageSender sender = MessageSender.builder(URI.create(emulator.baseUrl()), tokens)
                    .retries(3, Duration.ofMillis(5), Duration.ofMillis(20)).requestLog(store.apiRequests(), "full").build();
            sender.push("U0123456789abcdef0123456789abcdef", List.of(new TextMessage("retried once")));
            secrets.add(tokens.current().reveal());
            try {
                sender.reply("bad-reply-token", List.of(new TextMessage("refused")));
            } catch (LineApiException.BadRequest expected) {
                // logged
            }
            MessageSender wrong = MessageSender.create(URI.create(emulator.baseUrl()), Secret.of("wrong-token-abcdef-123", "t"));
            secrets.add("wrong-token-abcdef-123");
            try {
                wrong.push("U0123456789abcdef0123456789abcdef", List.of(new TextMessage("x")));
            } catch (LineApiException.Unauthorized expected) {
                // logged
            }
            Thread.sleep(300); // asynchronous API-log writes
            List<ApiCall> calls = store.apiRequests().query(Instant.EPOCH, 0, 999, null, 100);
            assertThat(calls).isNotEmpty();
            for (ApiCall c : calls) {
                for (String s : secrets) {
                    assertThat(c.toString()).doesNotContain(s);
                }
            }
        } finally {
            root.detachAppender(logs);
            root.setLevel(level);
        }
        assertThat(logs.list).hasSizeGreaterThan(10);
        for (ILoggingEvent e : logs.list) {
            String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage());
            for (String s : secrets) {
                assertThat(line).as("log line from %s", e.getLoggerName()).doesNotContain(s);
            }
        }
    }
}
