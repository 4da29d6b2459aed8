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
import java.time.Duration;

/**
 * One node of {@link ClusterTest}: a server on a shared store. Each user's messages carry their
 * number in that user's sequence ("3"); the handler checks it follows the last one committed for the
 * user (per-source order across nodes), writes a line to this node's effects file (at least once),
 * and counts the event in the conversation state (committed with the done-mark: exactly once).
 */
public final class ClusterTestBot implements Bot {
    static final Secret SECRET = Secret.of("c1a55e5c1a55e5c1a55e5c1a55e5c101", "LINE_CHANNEL_SECRET");
    static final Secret ADMIN = Secret.of("admin-token-for-cluster-tests-0123456789", "LINEGATE_ADMIN_TOKEN");
    private final String node;
    private final OutputStream effects;

    ClusterTestBot(String node, OutputStream effects) {
        this.node = node;
        this.effects = effects;
    }

    @Override
    public String name() {
        return "cluster-test";
    }

    @Override
    public EventHandler handler() {
        return ctx -> {
            var event = Json.mapper().readTree(ctx.rawJson());
            String id = event.path("webhookEventId").asText();
            int k = Integer.parseInt(event.path("message").path("text").asText());
            int last = ctx.state().get("last").map(Integer::parseInt).orElse(0);
            String line = node + " " + id + " " + ctx.sourceKey() + " " + k + (k == last + 1 ? "" : " OUT-OF-ORDER after " + last) + "\n";
            synchronized (effects) {
                effects.write(line.getBytes(StandardCharsets.UTF_8));
                effects.flush(); // in the page cache: survives SIGKILL of this process
            }
            Thread.sleep(5);
            ctx.state().put("last", String.valueOf(k));
            int n = ctx.state().get("n:" + id).map(Integer::parseInt).orElse(0);
            ctx.state().put("n:" + id, String.valueOf(n + 1));
        };
    }

    /** args: store location, node name, port file, effects file, lease time. */
    public static void main(String[] args) throws Exception {
        OutputStream effects = new FileOutputStream(args[3], true);
        Duration lease = Duration.parse(args[4]);
        LinegateServer server = LinegateServer.builder(new ClusterTestBot(args[1], effects), SECRET)
                .host("127.0.0.1").port(0).tls(ServerTls.insecureHttp()).storeLocation(args[0]).adminPort(0).adminToken(ADMIN)
                .dispatcher(d -> d.workers(8).leases(lease, lease.dividedBy(4)))
                .build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        Files.writeString(Path.of(args[2]), server.port() + " " + server.adminPort());
        Thread.currentThread().join();
    }
}
