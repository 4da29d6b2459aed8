package io.linegate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every start-up mistake said in the options' terms, one line, no stack trace, and nothing left behind:
 * a port in use on each listener of serve, emulator and demo, a channel secret LINE would not issue, a
 * misspelled environment variable.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StartupMistakesTest {
    static final Map<String, String> SECRET = Map.of("LINE_CHANNEL_SECRET", "0123456789abcdef0123456789abcdef");

    @TempDir
    Path dir;

    /** A port another "process" listens on, for the length of a test. */
    static ServerSocket taken() throws IOException {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    /** The one error line (beside warnings, such as a test JVM's want of -XX:+ExitOnOutOfMemoryError), with exit code 2. */
    static String oneLineWithoutATrace(Cli cli) {
        assertThat(cli.exitCode).as(cli.err).isEqualTo(2);
        assertThat(cli.err).doesNotContain("\tat ").doesNotContain("bind(").doesNotContain("Exception");
        List<String> errors = cli.err.lines().filter(l -> !l.isBlank() && !l.contains(": warning: ")).toList();
        assertThat(errors).as(cli.err).hasSize(1);
        return errors.get(0);
    }

    Cli serve(Map<String, String> env, String... ports) {
        List<String> args = new ArrayList<>(List.of("serve", "--insecure-http", "--host", "127.0.0.1",
                "--warm-up", "PT0S", "--data-dir", dir.resolve("data").toString(), "--create"));
        args.addAll(List.of(ports));
        return Cli.run(env, args.toArray(new String[0]));
    }

    @Test
    void aWebhookPortInUseNamesThePortAndTheOption() throws Exception {
        try (ServerSocket other = taken()) {
            int port = other.getLocalPort();
            Cli cli = serve(SECRET, "--port", String.valueOf(port), "--admin-port", "0");
            assertThat(oneLineWithoutATrace(cli)).isEqualTo("linegate serve: port " + port + " (--port) is already in use on 127.0.0.1:"
                    + " another process listens there; stop it, or choose another port with --port");
        }
        assertNoDispatcherLeft();
    }

    @Test
    void anAdminPortInUseNamesThePortAndTheOption() throws Exception {
        try (ServerSocket other = taken()) {
            int port = other.getLocalPort();
            Cli cli = serve(SECRET, "--port", "0", "--admin-port", String.valueOf(port));
            assertThat(oneLineWithoutATrace(cli)).isEqualTo("linegate serve: port " + port + " (--admin-port) is already in use on"
                    + " 127.0.0.1: another process listens there; stop it, or choose another port with --admin-port");
        }
        assertNoDispatcherLeft();
    }

    @Test
    void anEmulatorPortInUseNamesThePortAndTheOption() throws Exception {
        try (ServerSocket other = taken()) {
            int port = other.getLocalPort();
            Cli cli = Cli.run(Map.of(), "emulator", "--port", String.valueOf(port));
            assertThat(oneLineWithoutATrace(cli)).isEqualTo("linegate emulator: port " + port + " (--port) is already in use on"
                    + " 127.0.0.1: another process listens there; stop it, or choose another port with --port");
        }
    }

    @Test
    void eachOfTheDemosPortsInUseIsNamedAndNothingIsLeftBehind() throws Exception {
        for (String option : List.of("--port", "--bot-port", "--site-port")) {
            List<Path> before = demoDirectories();
            try (ServerSocket other = taken()) {
                int port = other.getLocalPort();
                List<String> args = new ArrayList<>(List.of("demo", "--exit", "--port", "0", "--bot-port", "0",
                        "--site-port", "0"));
                args.set(args.indexOf(option) + 1, String.valueOf(port));
                Cli cli = Cli.run(Map.of(), args.toArray(new String[0]));
                assertThat(oneLineWithoutATrace(cli)).isEqualTo("linegate demo: port " + port + " (" + option + ") is already in use"
                        + " on 127.0.0.1: another process listens there; stop it, or choose another port with " + option);
            }
            assertThat(demoDirectories()).as("temporary data directories after a failed demo").isEqualTo(before);
            assertNoDispatcherLeft();
        }
    }

    @Test
    void aChannelSecretLineWouldNotIssueIsRefusedForLinesPlatformWithoutShowingIt() {
        // --exit-when-ready: were the secret accepted, serve would stop once started instead of running on.
        Cli cli = serve(Map.of("LINE_CHANNEL_SECRET", "my-s3cret"), "--port", "0", "--admin-port", "0", "--exit-when-ready");
        assertThat(oneLineWithoutATrace(cli)).isEqualTo("linegate serve: LINE_CHANNEL_SECRET (or channelSecret) is not a channel secret"
                + " as LINE issues them, 32 hexadecimal characters (the channel's Basic settings tab in the LINE Developers"
                + " Console): it has 9 characters, not all hexadecimal; LINE would sign every webhook with another key,"
                + " and each would be refused with 401");
        assertThat(cli.err).doesNotContain("my-s3cret");
        assertThat(Files.exists(dir.resolve("data"))).as("nothing created").isFalse();
    }

    @Test
    void aChannelSecretOfAnotherFormIsOnlyAWarningForAnotherPlatform() {
        ChannelSettings s = ChannelSettings.load(null, Map.of("LINE_CHANNEL_SECRET", "abc",
                "LINE_API_BASE", "http://127.0.0.1:8080"));
        assertThat(s.warnings).containsExactly("LINE_CHANNEL_SECRET (or channelSecret) is not a channel secret as LINE"
                + " issues them, 32 hexadecimal characters (the channel's Basic settings tab in the LINE Developers Console):"
                + " it has 3 characters; accepted, since the platform at http://127.0.0.1:8080 is not LINE's");
        assertThatThrownBy(() -> ChannelSettings.load(null, Map.of("LINE_CHANNEL_SECRET", "0123456789abcdef0123456789abcdef",
                "LINE_CHANNEL_SECRET_PREVIOUS", "abc", "LINE_CHANNEL_SECRET_PREVIOUS_UNTIL", "2030-01-01T00:00:00Z")))
                .hasMessageStartingWith("LINE_CHANNEL_SECRET_PREVIOUS (or previousChannelSecret) is not a channel secret");
        assertThat(ChannelSettings.load(null, SECRET).warnings).isEmpty();
    }

    @Test
    void aMisspelledEnvironmentVariableIsAWarningNamingTheNearestKnownOne() {
        Cli cli = Cli.run(Map.of("LINE_APIBASE", "http://127.0.0.1:8080", "LINEGATE_ADMIN_TOKNE", "x", "LINE_CHANNEL_ID", "1",
                "LINEGATE_FROBNICATE", "1"), "--version");
        assertThat(cli.exitCode).isZero();
        assertThat(cli.err.strip().lines()).containsExactly(
                "linegate: warning: the environment variable LINEGATE_ADMIN_TOKNE is not one linegate reads, so it is"
                        + " ignored; did you mean LINEGATE_ADMIN_TOKEN?",
                "linegate: warning: the environment variable LINEGATE_FROBNICATE is not one linegate reads, so it is"
                        + " ignored (see the README for those it reads)",
                "linegate: warning: the environment variable LINE_APIBASE is not one linegate reads, so it is ignored;"
                        + " did you mean LINE_API_BASE?");
    }

    static List<Path> demoDirectories() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("linegate-demo")).sorted().toList();
        }
    }

    /** No dispatcher pump runs on after a failed start (it would fail on the closed store, over and over). */
    @Test
    void aJournalOnKafkaBrokersThatDoNotAnswerNamesTheServers() throws Exception {
        Cli cli = serve(SECRET, "--port", "0", "--admin-port", "0", "--journal", "kafka://127.0.0.1:1/bot");
        assertThat(oneLineWithoutATrace(cli)).isEqualTo("linegate serve: Kafka at 127.0.0.1:1: no broker answered within 10 s");
        assertNoDispatcherLeft();
    }

    @Test
    void aJournalLocationThatIsNotOneSaysWhatIsWrongWithIt() throws Exception {
        Cli cli = serve(SECRET, "--port", "0", "--admin-port", "0", "--journal", "kafka://broker/bot");
        assertThat(oneLineWithoutATrace(cli)).isEqualTo("linegate serve: kafka://broker/bot: 'broker' is not host:port");
        Cli alone = serve(SECRET, "--port", "0", "--admin-port", "0", "--kafka-properties", dir.resolve("k.properties").toString());
        assertThat(oneLineWithoutATrace(alone)).isEqualTo("linegate serve: --kafka-properties is for --journal kafka://...;"
                + " there is no --journal");
    }

    static void assertNoDispatcherLeft() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline && pumps() > 0) {
            Thread.sleep(50);
        }
        assertThat(pumps()).as("dispatch pumps alive").isZero();
    }

    static long pumps() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals("linegate-dispatch-pump")).count();
    }
}
