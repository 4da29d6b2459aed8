package io.linegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import io.linegate.core.Json;
import io.linegate.core.Secret;
import io.linegate.emulator.ChannelInfo;
import io.linegate.emulator.Emulator;
import io.linegate.emulator.EmulatorConfig;
import io.linegate.server.LinegateServer;
import io.linegate.server.ServerTls;
import io.linegate.runtime.TokenSettings;
import io.linegate.store.Store;
import io.linegate.webhook.Bot;
import io.linegate.webhook.BotEnvironment;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A deployment to check: the emulator (trusting the test's certificates through a trust file that
 * grows as servers start), a real {@code linegate serve --dev-tls} in a child JVM with managed
 * stateless tokens and the admin API, and the helpers that build servers breaking one thing each.
 */
final class PreflightFixture implements AutoCloseable {
    static final Secret ADMIN = Secret.of("preflight-admin-token-0123456789", "LINEGATE_ADMIN_TOKEN");

    final Path dir;
    final Path trustBundle;
    /** A certificate for localhost, good for years: the in-process test servers use it. */
    final SelfSignedCertificate localhost;
    final Emulator emulator;
    final ChannelInfo channel;
    final Http control;
    private final List<AutoCloseable> closing = new ArrayList<>();
    private Process serve;
    int servePort;
    int serveAdminPort;
    /** The admin listener of each server preflight is pointed at, by its webhook URL. */
    private final Map<String, String> admins = new HashMap<>();
    Path serveCertificate;

    PreflightFixture(Path dir) throws Exception {
        this.dir = dir;
        this.localhost = new SelfSignedCertificate("localhost");
        this.trustBundle = dir.resolve("trusted.pem");
        Files.copy(localhost.certificate().toPath(), trustBundle);
        EmulatorConfig cfg = new EmulatorConfig();
        cfg.webhookTrustCertificate = trustBundle.toString();
        cfg.rateLimits.enabled = false; // many preflights call LINE's test webhook, which allows 60 an hour
        this.emulator = Emulator.builder().config(cfg).build().start();
        this.channel = emulator.defaultChannel();
        this.control = new Http(URI.create(emulator.baseUrl()));
    }

    /** The environment an operator would set for preflight. */
    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("LINE_CHANNEL_SECRET", channel.channelSecret());
        env.put("LINE_CHANNEL_ID", channel.channelId());
        env.put("LINEGATE_ADMIN_TOKEN", ADMIN.reveal());
        return env;
    }

    Secret secret() {
        return Secret.of(channel.channelSecret(), "LINE_CHANNEL_SECRET");
    }

    /** Starts {@code linegate serve --dev-tls} in a child JVM and trusts its fresh certificate. */
    void startServe() throws Exception {
        Path log = dir.resolve("serve.log");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Linegate.class.getName(),
                "serve", "--dev-tls", "--host", "127.0.0.1", "--port", "0", "--admin-port", "0", "--create", "--data-dir", dir.resolve("serve-data").toString(),
                "--api-base", emulator.baseUrl(), "--token-type", "stateless",
                // No warm-up: these tests are about what preflight finds, the warm-up is WarmUpTest's subject.
                "--warm-up", "PT0S");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("LINE_CHANNEL_SECRET", channel.channelSecret());
        pb.environment().put("LINE_CHANNEL_ID", channel.channelId());
        pb.environment().put("LINEGATE_ADMIN_TOKEN", ADMIN.reveal());
        serve = pb.start();
        Pattern listening = Pattern.compile("listening on https://127\\.0\\.0\\.1:(\\d+)/webhook; admin listener https://127\\.0\\.0\\.1:(\\d+)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = listening.matcher(Files.readString(log));
            if (m.find()) {
                servePort = Integer.parseInt(m.group(1));
                serveAdminPort = Integer.parseInt(m.group(2));
                admins.put(serveUrl(), "https://localhost:" + serveAdminPort);
                break;
            }
            assertThat(serve.isAlive()).as(() -> readQuietly(log)).isTrue();
            Thread.sleep(100);
        }
        assertThat(servePort).as(() -> readQuietly(log)).isPositive();
        // serve says where its certificate is; that file is what it presents, and what clients are given to trust.
        Matcher written = Pattern.compile("--dev-tls certificate \\(for localhost\\) in (\\S+);").matcher(Files.readString(log));
        assertThat(written.find()).as(() -> readQuietly(log)).isTrue();
        serveCertificate = Path.of(written.group(1));
        assertThat(serveCertificate).isEqualTo(dir.resolve("serve-data").toAbsolutePath().resolve("dev-tls-certificate.pem"));
        try (InputStream in = Files.newInputStream(serveCertificate)) {
            assertThat(CertificateFactory.getInstance("X.509").generateCertificate(in).getEncoded())
                    .isEqualTo(peerCertificate(servePort).getEncoded());
        }
        trust(serveCertificate);
    }

    String serveUrl() {
        return "https://localhost:" + servePort + "/webhook";
    }

    /** Lets the emulator trust another certificate from now on (its trust file is read again when it changes). */
    void trust(Path certificate) throws IOException {
        Files.writeString(trustBundle, Files.readString(certificate), StandardOpenOption.APPEND);
    }

    /** Sets the channel's consoles' settings; the answer is the control API's. */
    Http.Res settings(String json) {
        return control.put("/control/v1/channels/" + channel.channelId() + "/settings", json);
    }

    void register(String webhookUrl) {
        assertThat(settings("{\"webhookUrl\":\"" + webhookUrl + "\",\"webhookActive\":true,\"autoReply\":false,"
                + "\"greeting\":false,\"chat\":false}").status()).isEqualTo(200);
    }

    /** Runs preflight against {@code url} with the usual options plus {@code extra}. */
    Cli preflight(Map<String, String> env, String url, String... extra) {
        List<String> args = new ArrayList<>(List.of("preflight", "--url", url, "--api-base", emulator.baseUrl(),
                "--trust", trustBundle.toString(), "--timeout", "PT5S"));
        args.addAll(List.of(extra));
        if (!args.contains("--admin-url") && admins.containsKey(url)) {
            args.addAll(List.of("--admin-url", admins.get(url)));
        }
        if (!args.contains("--verify-requests")) {
            args.addAll(List.of("--verify-requests", "5"));
        }
        return Cli.run(env, args.toArray(new String[0]));
    }

    /**
     * Runs preflight against {@code url} as an operator does, in a JVM of its own with the logging
     * configuration shipped in the jar; gives its standard output and standard error.
     */
    String[] preflightInChildJvm(Map<String, String> env, String url, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=" + Linegate.class.getResource("/logback.xml"),
                "-cp", System.getProperty("java.class.path"), Linegate.class.getName(),
                "preflight", "--url", url, "--api-base", emulator.baseUrl(), "--trust", trustBundle.toString(),
                "--timeout", "PT5S", "--verify-requests", "5"));
        if (admins.containsKey(url)) {
            cmd.addAll(List.of("--admin-url", admins.get(url)));
        }
        cmd.addAll(List.of(extra));
        Path out = Files.createTempFile(dir, "preflight", ".out");
        Path err = Files.createTempFile(dir, "preflight", ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("preflight finished").isTrue();
        return new String[] {Files.readString(out), Files.readString(err)};
    }

    /** Runs preflight with {@code --json} and returns the document, failing the test if stdout is not JSON. */
    JsonNode preflightJson(Map<String, String> env, String url, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(extra));
        args.add("--json");
        Cli cli = preflight(env, url, args.toArray(new String[0]));
        assertThat(cli.err).isEmpty();
        return Json.mapper().readTree(cli.out);
    }

    static JsonNode check(JsonNode report, String id) {
        for (JsonNode c : report.path("checks")) {
            if (c.path("id").asText().equals(id)) {
                return c;
            }
        }
        throw new AssertionError("no check " + id + " in " + report);
    }

    // ---- servers that break one thing ----------------------------------------------------------

    /** An https server on loopback with the localhost certificate, closed with the fixture. */
    Server https(Consumer<ServerBuilder> setUp) {
        var sb = Server.builder().https(new InetSocketAddress("127.0.0.1", 0))
                .tls(localhost.certificate(), localhost.privateKey());
        setUp.accept(sb);
        Server s = sb.build();
        s.start().join();
        closing.add(s::stop); // Not joined: the port is ephemeral, and a stop waits about 2 s for Netty's idle boss loop after the last request.
        return s;
    }

    /**
     * A proxy in front of {@code backend} (as a load balancer would be): it can hold webhook answers
     * back, or add the admin token to every {@code /admin} request (a misconfigured gateway).
     */
    Server proxy(String backend, Duration webhookDelay, boolean addAdminToken) {
        WebClient to = WebClient.builder(backend).factory(ClientFactory.insecure()).build();
        return https(sb -> sb.requestTimeout(Duration.ofSeconds(30)).serviceUnder("/", (ctx, req) -> {
            HttpRequest forward = req;
            if (addAdminToken && ctx.path().startsWith("/admin")) {
                forward = req.withHeaders(req.headers().toBuilder().set("authorization", "Bearer " + ADMIN.reveal()));
            }
            HttpResponse res = to.execute(forward);
            return ctx.method() == HttpMethod.POST && !webhookDelay.isZero() ? HttpResponse.delayed(res, webhookDelay) : res;
        }));
    }

    /** A bot server that answers 200 to any webhook request, signed or not. */
    Server acceptsAnything() {
        return https(sb -> sb.service("/webhook", (ctx, req) -> HttpResponse.of(com.linecorp.armeria.common.HttpStatus.OK,
                MediaType.JSON_UTF_8, "{}")));
    }

    /**
     * A linegate server hosting the echo bot in this JVM, with the channel's secret, managed stateless
     * tokens from the emulator and the admin API; {@code options} changes one thing.
     */
    LinegateServer bot(ServerTls tls,
            UnaryOperator<LinegateServer.Builder> options) throws IOException {
        return options.apply(LinegateServer.builder(echoBot(), secret())
                .host("127.0.0.1").port(0).tls(tls).dataDir(Files.createTempDirectory(dir, "bot"))
                .adminPort(0).adminToken(ADMIN).apiBase(URI.create(emulator.baseUrl())).channelId(channel.channelId())
                .tokens(TokenSettings.stateless(channel.channelId(), secret())))
                .build().start();
    }

    /** The echo bot, found by name on the class path as {@code linegate serve --bot echo} finds it. */
    private static Bot echoBot() {
        return BotLoader.of(List.of()).find("echo").create(new BotEnvironment() {
            @Override public Store store() { throw new UnsupportedOperationException(); }
            @Override public Map<String, String> settings() { return Map.of(); }
            @Override public MessagingApiClient api() { throw new UnsupportedOperationException(); }
        });
    }

    /** Registers the server's webhook URL, by the name its certificates are issued for, at LINE; returns it. */
    String registered(LinegateServer bot) {
        String url = "https://localhost:" + bot.port() + "/webhook";
        register(url);
        admins.put(url, "https://localhost:" + bot.adminPort());
        return url;
    }

    static ServerTls tls(SelfSignedCertificate c) {
        return ServerTls.pem(c.certificate().toPath(), c.privateKey().toPath());
    }

    /** A certificate for {@code host} valid between the two instants, as PEM files on disk. */
    static SelfSignedCertificate certificate(String host, Instant notBefore, Instant notAfter) throws Exception {
        return new SelfSignedCertificate(host, Date.from(notBefore), Date.from(notAfter), "RSA", 2048);
    }

    // ---- plumbing -------------------------------------------------------------------------------

    /** The certificate a server presents, read without judging it. */
    static Certificate peerCertificate(int port) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            @Override public void checkClientTrusted(X509Certificate[] c, String a) { }
            @Override public void checkServerTrusted(X509Certificate[] c, String a) { }
            @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        }}, null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.startHandshake();
            return s.getSession().getPeerCertificates()[0];
        }
    }

    static String pem(Certificate c) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(c.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        if (serve != null) {
            serve.destroy();
            if (!serve.waitFor(20, TimeUnit.SECONDS)) {
                serve.destroyForcibly();
            }
        }
        emulator.close();
        localhost.delete();
    }

    /** A small JSON client for the emulator's control API. */
    static final class Http {
        record Res(int status, JsonNode json) {}

        private final HttpClient client = HttpClient.newHttpClient();
        private final URI base;

        Http(URI base) {
            this.base = base;
        }

        Res put(String path, String json) {
            return send(java.net.http.HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")  // fully qualified: Armeria's HttpRequest and HttpResponse are imported
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(json)));  // fully qualified: Armeria's HttpRequest and HttpResponse are imported
        }

        Res get(String path) {
            return send(java.net.http.HttpRequest.newBuilder(base.resolve(path)).GET());  // fully qualified: Armeria's HttpRequest and HttpResponse are imported
        }

        private Res send(java.net.http.HttpRequest.Builder b) {  // fully qualified: Armeria's HttpRequest and HttpResponse are imported
            try {
                var r = client.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());  // fully qualified: Armeria's HttpRequest and HttpResponse are imported
                return new Res(r.statusCode(), r.body().isEmpty() ? null : Json.mapper().readTree(r.body()));
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
