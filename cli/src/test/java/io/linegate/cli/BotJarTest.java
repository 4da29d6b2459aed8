package io.linegate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.core.Json;
import io.linegate.emulator.ChannelInfo;
import io.linegate.emulator.Emulator;
import io.linegate.server.ChildJvm;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code linegate serve --bot-jar}: a bot built by its own Maven project (the tutorial's,
 * examples/hello-bot, kept off this test's class path) runs from its jar in a linegate process, and
 * every way of pointing at a bot wrongly ends with a message that says what is wrong.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class BotJarTest {
    @TempDir
    Path dir;

    Path helloJar;

    @BeforeEach
    void jar() {
        String path = System.getProperty("linegate.test.helloBotJar", "");
        helloJar = Path.of(path);
        Assumptions.assumeTrue(!path.isEmpty() && Files.isRegularFile(helloJar),
                "the tutorial bot's jar is built by 'mvn package' of examples/hello-bot (run mvn verify): " + path);
    }

    @Test
    void theTutorialBotIsNotOnLinegatesClassPathSoOnlyItsJarCanProvideIt() {
        assertThat(getClass().getClassLoader().getResource("com/example/hello/HelloBot.class")).isNull();
    }

    @Test
    void serveRunsABotFromItsJarAgainstTheEmulator() throws Exception {
        try (Emulator emulator = Emulator.builder().port(0).start()) {
            ChannelInfo channel = emulator.defaultChannel();
            Path out = dir.resolve("serve.log");
            List<String> env = List.of("LINE_CHANNEL_SECRET=" + channel.channelSecret(),
                    "LINE_CHANNEL_ID=" + channel.channelId(), "LINE_API_BASE=" + emulator.baseUrl());
            Process serve = start(out, env, "serve", "--bot-jar", helloJar.toString(), "--bot", "hello",
                    "--bot-setting", "greeting=Welcome from a jar!", "--insecure-http", "--host", "127.0.0.1", "--port", "0",
                    "--admin-port", "0", "--data-dir", dir.resolve("data").toString(), "--create");
            try {
                Pattern listening = Pattern.compile("bot 'hello' listening on (http://\\S+/webhook)");
                await().atMost(Duration.ofSeconds(60)).until(() -> listening.matcher(Files.readString(out)).find());
                Matcher m = listening.matcher(Files.readString(out));
                assertThat(m.find()).isTrue();
                Control control = new Control(emulator.baseUrl());
                control.call("PUT", "/channels/" + channel.channelId() + "/settings",
                        "{\"webhookUrl\":\"" + m.group(1) + "\",\"greeting\":false,\"autoReply\":false}");
                String user = control.call("POST", "/users", "{\"displayName\":\"Alice\"}").path("userId").asText();
                control.call("POST", "/users/" + user + "/follow", "{}");
                // She reads the greeting before she writes: two webhooks sent at once may arrive in either order.
                await().atMost(Duration.ofSeconds(30)).until(() -> control.call("GET", "/users/" + user + "/inbox", null)
                        .path("messages").size() >= 1);
                control.call("POST", "/users/" + user + "/messages", "{\"type\":\"text\",\"text\":\"weather Tokyo\"}");
                await().atMost(Duration.ofSeconds(30)).until(() -> control.call("GET", "/users/" + user + "/inbox", null)
                        .path("messages").size() >= 2);
                List<String> texts = new ArrayList<>();
                control.call("GET", "/users/" + user + "/inbox", null).path("messages")
                        .forEach(msg -> texts.add(msg.path("message").path("text").asText()));
                assertThat(texts).containsExactly("Welcome from a jar!", "Sunny in Tokyo.");
            } finally {
                serve.destroy(); // SIGTERM: graceful
                assertThat(serve.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    @Test
    void aMissingJarIsSaidSo() {
        Cli cli = serve("--bot-jar", dir.resolve("nope.jar").toString());
        assertThat(cli.exitCode).isEqualTo(2);
        assertThat(cli.err).contains("--bot-jar").contains("nope.jar").contains("no such file").doesNotContain("\tat ");
    }

    @Test
    void aFileThatIsNotAJarIsSaidSo() throws Exception {
        Path text = Files.writeString(dir.resolve("bot.jar"), "not a zip");
        Cli cli = serve("--bot-jar", text.toString());
        assertThat(cli.exitCode).isEqualTo(2);
        assertThat(cli.err).contains("is not a jar file").doesNotContain("\tat ");
    }

    @Test
    void aNameTheJarDoesNotHaveListsTheBotsItHas() {
        Cli cli = serve("--bot-jar", helloJar.toString(), "--bot", "nope");
        assertThat(cli.exitCode).isEqualTo(2);
        assertThat(cli.err).contains("no bot named 'nope' in " + helloJar).contains("known: hello")
                .doesNotContain("echo").doesNotContain("\tat ");
    }

    @Test
    void aBotClassThatFailsToConstructIsNamedWithItsReason() throws Exception {
        Path jar = compiledBotJar("BrokenBot", "io.linegate.webhook.Bot",
                "public class BrokenBot implements io.linegate.webhook.Bot {\n"
                + "  public BrokenBot() { throw new IllegalStateException(\"the inventory database is unreachable\"); }\n"
                + "  public String name() { return \"broken\"; }\n"
                + "  public io.linegate.webhook.EventHandler handler() { return ctx -> { }; }\n}\n");
        Cli cli = serve("--bot-jar", jar.toString(), "--bot", "broken");
        assertThat(cli.exitCode).isEqualTo(2);
        assertThat(cli.err).contains("BrokenBot").contains("the inventory database is unreachable").doesNotContain("\tat ");
    }

    @Test
    void aFactoryThatFailsToBuildItsBotIsNamedWithItsReasonAndNothingListens() throws Exception {
        Path jar = compiledBotJar("NeedyFactory", "io.linegate.webhook.BotFactory",
                "public class NeedyFactory implements io.linegate.webhook.BotFactory {\n"
                + "  public String name() { return \"needy\"; }\n"
                + "  public io.linegate.webhook.Bot create(io.linegate.webhook.BotEnvironment env) {\n"
                + "    env.setting(\"inventory-url\"); return null; }\n}\n");
        Cli cli = serve("--bot-jar", jar.toString());
        assertThat(cli.exitCode).isEqualTo(2);
        assertThat(cli.err).contains("the bot 'needy' (NeedyFactory) could not be built")
                .contains("--bot-setting inventory-url=VALUE").doesNotContain("\tat ");
    }

    @Test
    void aListedClassThatDoesNotExistIsReported() throws Exception {
        Path jar = dir.resolve("ghost.jar");
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar))) {
            j.putNextEntry(new JarEntry("META-INF/services/io.linegate.webhook.BotFactory"));
            j.write("com.example.Ghost\n".getBytes(StandardCharsets.UTF_8));
        }
        Cli cli = serve("--bot-jar", jar.toString(), "--bot", "ghost");
        assertThat(cli.exitCode).isEqualTo(2);
        assertThat(cli.err).contains("no bot named 'ghost'").contains("could not load").contains("com.example.Ghost")
                .doesNotContain("\tat ");
    }

    Cli serve(String... args) {
        List<String> all = new ArrayList<>(List.of("serve", "--insecure-http", "--port", "0", "--admin-port", "0",
                "--data-dir", dir.resolve("data").toString(), "--create"));
        all.addAll(List.of(args));
        return Cli.run(Map.of("LINE_CHANNEL_SECRET", "0123456789abcdef0123456789abcdef"), all.toArray(new String[0]));
    }

    /** A jar with one class compiled now against linegate's API, listed as a provider of {@code service}. */
    Path compiledBotJar(String className, String service, String source) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Assumptions.assumeTrue(javac != null, "no Java compiler in this runtime (a JRE, not a JDK)");
        Path src = dir.resolve("src");
        Path classes = dir.resolve("classes");
        Files.createDirectories(src);
        Files.createDirectories(classes);
        Path file = Files.writeString(src.resolve(className + ".java"), source);
        int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                file.toString());
        assertThat(rc).as("compiling " + className).isZero();
        Path jar = dir.resolve(className + ".jar");
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar))) {
            j.putNextEntry(new JarEntry(className + ".class"));
            j.write(Files.readAllBytes(classes.resolve(className + ".class")));
            j.putNextEntry(new JarEntry("META-INF/services/" + service));
            j.write((className + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return jar;
    }

    Process start(Path out, List<String> env, String... args) throws Exception {
        List<String> jvm = new ArrayList<>();
        for (String e : env) {
            jvm.add("-D" + e); // read back by ChildMain as environment variables
        }
        return ChildJvm.start(ChildMain.class, out, jvm, args);
    }

    /** Runs the command line in a child JVM with the given "environment" (system properties, since a JVM cannot set its own). */
    public static final class ChildMain {
        public static void main(String[] args) {
            Map<String, String> env = new HashMap<>(System.getenv());
            for (String name : List.of("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ID", "LINE_API_BASE")) {
                String v = System.getProperty(name);
                if (v != null) {
                    env.put(name, v);
                }
            }
            int code = Linegate.commandLine(env).execute(args);
            System.exit(code);
        }
    }

    /** The emulator's control API. */
    static final class Control {
        final HttpClient http = HttpClient.newHttpClient();
        final String base;

        Control(String emulatorBase) {
            this.base = emulatorBase + "/control/v1";
        }

        JsonNode call(String method, String path, String body) throws Exception {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(base + path))
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).as(method + " " + path + ": " + res.body()).isBetween(200, 299);
            return res.body().isEmpty() ? Json.mapper().createObjectNode() : Json.mapper().readTree(res.body());
        }
    }
}
