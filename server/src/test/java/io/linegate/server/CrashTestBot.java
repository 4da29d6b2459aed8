package io.linegate.server;

import io.linegate.core.Json;
import io.linegate.core.Secret;
import io.linegate.webhook.Bot;
import io.linegate.webhook.EventHandler;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process that {@link CrashRecoveryTest} kills with SIGKILL. Its handler has two effects per
 * event: a line appended to a file (an external effect: at least once) and a counter in the
 * conversation state (committed with the done-mark: exactly once).
 */
public final class CrashTestBot implements Bot {
    static final Secret SECRET = Secret.of("c0ffeec0ffeec0ffeec0ffeec0ffee01", "LINE_CHANNEL_SECRET");
    static final Secret ADMIN = Secret.of("admin-token-for-crash-tests-0123456789abcdef", "LINEGATE_ADMIN_TOKEN");
    private final OutputStream effects;

    CrashTestBot(OutputStream effects) {
        this.effects = effects;
    }

    @Override
    public String name() {
        return "crash-test";
    }

    @Override
    public EventHandler handler() {
        return ctx -> {
            String id = Json.mapper().readTree(ctx.rawJson()).path("webhookEventId").asText();
            synchronized (effects) {
                effects.write((id + "\n").getBytes(StandardCharsets.UTF_8));
                effects.flush(); // in the page cache: survives SIGKILL of this process
            }
            Thread.sleep(20); // slower than the burst, so that a backlog builds up
            int n = ctx.state().get("n:" + id).map(Integer::parseInt).orElse(0);
            ctx.state().put("n:" + id, String.valueOf(n + 1));
        };
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        Path portFile = Path.of(args[1]);
        OutputStream effects = new FileOutputStream(dataDir.resolve("effects.log").toFile(), true);
        effects.write("START\n".getBytes(StandardCharsets.UTF_8));
        LinegateServer server = LinegateServer.builder(new CrashTestBot(effects), SECRET)
                .host("127.0.0.1").port(0).tls(ServerTls.insecureHttp()).dataDir(dataDir).adminPort(0).adminToken(ADMIN)
                .dispatcher(d -> d.workers(4))
                .build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        Files.writeString(portFile, server.port() + " " + server.adminPort());
        Thread.currentThread().join();
    }
}
