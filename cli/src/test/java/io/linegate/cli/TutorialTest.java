package io.linegate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Writing a bot" tutorial is the example project, byte for byte, and its step 6 runs as
 * written: the files it shows are examples/hello-bot's (which linegate's build compiles and tests), and its
 * shell block, run by bash against the example's jar, gets the bot's answers and the admin status.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TutorialTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path EXAMPLE = ROOT.resolve("examples/hello-bot");
    static final Pattern FILE = Pattern.compile("<!-- tutorial file: (\\S+) -->\n```[a-z]*\n(.*?)```\n", Pattern.DOTALL);
    static final Pattern RUN = Pattern.compile("<!-- tutorial run -->\n```sh\n(.*?)```\n", Pattern.DOTALL);

    @TempDir
    Path dir;

    final List<Process> started = new ArrayList<>();

    @AfterEach
    void stop() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
    }

    static String tutorial() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int start = readme.indexOf("\n## Writing a bot\n");
        assertThat(start).as("the README's section \"Writing a bot\"").isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    @Test
    void everyFileTheTutorialShowsIsTheExamplesFileAndItShowsThemAll() throws IOException {
        Map<String, String> shown = new LinkedHashMap<>();
        Matcher m = FILE.matcher(tutorial());
        while (m.find()) {
            shown.put(m.group(1), m.group(2));
        }
        List<String> files;
        try (Stream<Path> walk = Stream.concat(Stream.of(EXAMPLE.resolve("pom.xml")), Files.walk(EXAMPLE.resolve("src")))) {
            files = walk.filter(Files::isRegularFile).map(p -> EXAMPLE.relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
        assertThat(shown.keySet()).as("the example's files shown in the README").containsExactlyInAnyOrderElementsOf(files);
        for (Map.Entry<String, String> e : shown.entrySet()) {
            assertThat(e.getValue()).as("the README's %s against examples/hello-bot/%s", e.getKey(), e.getKey())
                    .isEqualTo(Files.readString(EXAMPLE.resolve(e.getKey()), StandardCharsets.UTF_8));
        }
    }

    @Test
    void theExamplePinsTheBuildsPluginsSoThatAnyMavenBuildsAndTestsIt() throws IOException {
        String pom = Files.readString(EXAMPLE.resolve("pom.xml"));
        for (String plugin : List.of("maven-clean-plugin", "maven-resources-plugin", "maven-compiler-plugin",
                "maven-surefire-plugin", "maven-jar-plugin", "maven-install-plugin", "maven-deploy-plugin")) {
            assertThat(pom).as("the example's pom pins " + plugin)
                    .containsPattern("<artifactId>" + plugin + "</artifactId>\\s*<version>[0-9.]+</version>");
        }
    }

    @Test
    void stepSixRunsAsWrittenAgainstTheExamplesJar() throws Exception {
        Path jar = Path.of(System.getProperty("linegate.test.helloBotJar", ""));
        assertThat(jar).as("the tutorial bot's jar, built by the example's 'mvn package' before this module").isRegularFile();
        Matcher run = RUN.matcher(tutorial());
        assertThat(run.find()).as("step 6's shell block").isTrue();
        // The README's fixed ports and data directory become free ones and a scratch one; nothing else changes.
        String block = run.group(1).replace("8080", String.valueOf(freePort())).replace("8081", String.valueOf(freePort()))
                .replace("8444", String.valueOf(freePort())).replace("/tmp/hello-data", dir.resolve("data").toString());
        String[] terminals = block.split("(?m)^(?=# [123]: )");
        assertThat(terminals).as("step 6's three terminals").hasSize(3);

        Path project = Files.createDirectories(dir.resolve("hello-bot/target"));
        Files.copy(jar, project.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        Path bin = Files.createDirectories(dir.resolve("linegate"));
        Path command = bin.resolve("linegate");
        Files.writeString(command, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -cp '"
                + System.getProperty("java.class.path") + "' " + Linegate.class.getName() + " \"$@\"\n");
        assertThat(command.toFile().setExecutable(true)).isTrue();

        Path emulatorLog = dir.resolve("1.log");
        Path serveLog = dir.resolve("2.log");
        terminal(terminals[0], project.getParent(), bin, emulatorLog);
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(emulatorLog).contains("Stop with Ctrl-C"));
        terminal(terminals[1], project.getParent(), bin, serveLog);
        await().atMost(Duration.ofSeconds(120)).until(() -> Files.readString(serveLog).contains("listening on"));

        Path userLog = dir.resolve("3.log");
        Process user = terminal(terminals[2], project.getParent(), bin, userLog);
        assertThat(user.waitFor(60, TimeUnit.SECONDS)).as("terminal 3 finished: " + Files.readString(userLog)).isTrue();
        String out = Files.readString(userLog);
        assertThat(user.exitValue()).as(out).isZero();
        assertThat(out).contains("\"text\":\"Welcome!\"").contains("\"text\":\"Sunny in Tokyo.\"")
                .containsPattern("bot\\s+hello");

        // Ctrl-C (SIGTERM here) in terminals 1 and 2: each says that it stopped. (bash may have exec'd the JVM.)
        for (Process terminal : started.subList(0, 2)) {
            List<ProcessHandle> jvms = terminal.descendants().toList();
            for (ProcessHandle jvm : jvms.isEmpty() ? List.of(terminal.toHandle()) : jvms) {
                jvm.destroy();
                jvm.onExit().get(60, TimeUnit.SECONDS);
            }
        }
        assertThat(Files.readString(serveLog)).contains("linegate serve: bot 'hello' stopped");
        assertThat(Files.readString(emulatorLog)).contains("linegate emulator: stopped");
    }

    private Process terminal(String script, Path cwd, Path linegate, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-eo", "pipefail", "-c", script).directory(cwd.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("LINEGATE", linegate.toString());
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
