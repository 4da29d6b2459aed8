package io.linegate.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.bot.messaging.model.TextMessage;
import io.linegate.core.Secret;
import io.linegate.emulator.ChannelInfo;
import io.linegate.emulator.Emulator;
import io.linegate.server.ChildJvm;
import io.linegate.server.LinegateServer;
import io.linegate.server.ServerTls;
import io.linegate.runtime.TokenSettings;
import io.linegate.store.ApiRequestLog.ApiCall;
import io.linegate.store.Store;
import io.linegate.webhook.Bot;
import io.linegate.webhook.EventHandler;
import io.linegate.webhook.EventRouter;
import com.linecorp.bot.webhook.model.TextMessageContent;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bot process killed with SIGKILL in the middle of a handler that had replied and pushed twice: after
 * the restart the event is handled again from the journal, and the user gets the reply and each push
 * once, and the rest of the handler's sends.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ExactlyOnceAfterKillTest {
    @TempDir
    Path dir;

    /** Every bot process this test started: none outlives it, whatever the test's outcome. */
    final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aHandlerRunAgainAfterAKill9SendsNothingTwice() throws Exception {
        try (Emulator emulator = Emulator.builder().port(0).start()) {
            ChannelInfo channel = emulator.defaultChannel();
            ControlClient control = new ControlClient(emulator.baseUrl());
            Path data = Files.createDirectories(dir.resolve("data"));
            Path release = dir.resolve("release");
            Path portFile = dir.resolve("port");

            Process first = start(emulator, data, release, portFile, "first");
            control.put("/channels/" + channel.channelId() + "/settings", ControlClient.object()
                    .put("webhookUrl", "http://127.0.0.1:" + Files.readString(portFile).trim() + "/webhook")
                    .put("greeting", false).put("autoReply", false));
            String user = control.post("/users", ControlClient.object().put("displayName", "Alice")).path("userId").asText();
            control.post("/users/" + user + "/follow", ControlClient.object()); // a friend: the bot's messages reach her
            control.post("/users/" + user + "/messages", ControlClient.object().put("type", "text").put("text", "go"));
            await().atMost(Duration.ofSeconds(30)).until(() -> texts(control, user).size() == 3);

            first.destroyForcibly(); // SIGKILL, while the handler waits after its third send
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(first.exitValue()).isEqualTo(137);
            assertThat(texts(control, user)).containsExactly("reply", "push 1", "push 2");

            Files.writeString(release, "go on");
            Instant restarted = Instant.now();
            Process second = start(emulator, data, release, portFile, "second");
            await().atMost(Duration.ofSeconds(30)).until(() -> texts(control, user).size() >= 4);
            second.destroy(); // SIGTERM: graceful, the done-mark is in
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();

            assertThat(texts(control, user)).containsExactly("reply", "push 1", "push 2", "push 3");
            try (Store store = Store.sqlite(data)) {
                assertThat(store.journal().pending(0, 10)).as("the event is done").isEmpty();
                assertThat(store.deadLetters().list(10)).isEmpty();
                // What the second process sent (the first one's log lines may have died with it).
                List<ApiCall> calls = store.apiRequests().query(restarted, 0, 999, null, 100);
                assertThat(calls).filteredOn(c -> c.endpoint().equals("/v2/bot/message/reply"))
                        .as("the reply recorded before the kill is not tried again").isEmpty();
                assertThat(calls).filteredOn(c -> c.endpoint().equals("/v2/bot/message/push"))
                        .extracting(ApiCall::status).as("the pushes again, answered 409, then the last one")
                        .containsExactlyInAnyOrder(409, 409, 200);
            }
        }
    }

    static List<String> texts(ControlClient control, String user) {
        List<String> out = new ArrayList<>();
        for (JsonNode m : control.get("/users/" + user + "/inbox").path("messages")) {
            out.add(m.path("message").path("text").asText());
        }
        return out;
    }

    Process start(Emulator emulator, Path data, Path release, Path portFile, String name) throws Exception {
        Files.deleteIfExists(portFile);
        ChannelInfo channel = emulator.defaultChannel();
        Process p = ChildJvm.start(KillableBot.class, dir.resolve(name + ".log"), List.of("-Xmx256m"), data.toString(),
                emulator.baseUrl(), channel.channelId(), channel.channelSecret(), release.toString(), portFile.toString());
        started.add(p);
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(portFile) && !Files.readString(portFile).isBlank());
        return p;
    }

    /** The process the test kills: a reply, two pushes, then it waits for the release file before its last push. */
    public static final class KillableBot implements Bot {
        private final Path release;

        KillableBot(Path release) {
            this.release = release;
        }

        @Override
        public String name() {
            return "killable";
        }

        @Override
        public EventHandler handler() {
            return EventRouter.builder().onMessage(TextMessageContent.class, (ctx, text) -> {
                ctx.reply(new TextMessage("reply"));
                ctx.push(new TextMessage("push 1"));
                ctx.push(new TextMessage("push 2"));
                while (!Files.exists(release)) {
                    Thread.sleep(20);
                }
                ctx.push(new TextMessage("push 3"));
            }).build();
        }

        public static void main(String[] args) throws Exception {
            Path data = Path.of(args[0]);
            Secret secret = Secret.of(args[3], "channel secret");
            LinegateServer server = LinegateServer.builder(new KillableBot(Path.of(args[4])), secret)
                    .host("127.0.0.1").port(0).tls(ServerTls.insecureHttp()).dataDir(data)
                    .apiBase(URI.create(args[1])).tokens(TokenSettings.stateless(args[2], secret))
                    .build().start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
            Files.writeString(Path.of(args[5]), String.valueOf(server.port()));
            Thread.currentThread().join();
        }
    }
}
