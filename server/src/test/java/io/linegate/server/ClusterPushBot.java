package io.linegate.server;

import com.linecorp.bot.messaging.model.TextMessage;
import io.linegate.core.Secret;
import io.linegate.webhook.Bot;
import io.linegate.webhook.EventHandler;
import io.linegate.webhook.FloodPolicy;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One node of the cluster tests that count what reaches LINE: a server on a shared store whose
 * handler pushes one text, the event's id, to the event's conversation (through the context, so with
 * the event's retry key, LINE's rate limits shared in the store and the API request log), after an
 * optional delay (a slow handler), and then writes "node eventId sourceKey epochMillis" to this node's
 * effects file: the handler's effect, with the time it happened.
 */
public final class ClusterPushBot implements Bot {
    static final Secret SECRET = Secret.of("9e5b0d9e5b0d9e5b0d9e5b0d9e5b0d01", "LINE_CHANNEL_SECRET");
    static final Secret ADMIN = Secret.of("admin-token-for-push-cluster-tests-012345", "LINEGATE_ADMIN_TOKEN");
    private final String node;
    private final OutputStream effects;
    private final long delayMillis;

    ClusterPushBot(String node, OutputStream effects, long delayMillis) {
        this.node = node;
        this.effects = effects;
        this.delayMillis = delayMillis;
    }

    @Override
    public String name() {
        return "cluster-push-test";
    }

    @Override
    public EventHandler handler() {
        return ctx -> {
            if (delayMillis > 0) {
                Thread.sleep(delayMillis);
            }
            ctx.push(new TextMessage(ctx.eventId()));
            String line = node + " " + ctx.eventId() + " " + ctx.sourceKey() + " " + System.currentTimeMillis() + "\n";
            synchronized (effects) {
                effects.write(line.getBytes(StandardCharsets.UTF_8));
                effects.flush();
            }
        };
    }

    /**
     * args: store location, node name, port file, effects file, lease time, API base, channel id, file
     * holding the channel access token (kept off the command line), handler delay in milliseconds.
     */
    public static void main(String[] args) throws Exception {
        OutputStream effects = new FileOutputStream(args[3], true);
        Duration lease = Duration.parse(args[4]);
        Secret token = Secret.of(Files.readString(Path.of(args[7])).trim(), "LINE_CHANNEL_ACCESS_TOKEN");
        LinegateServer server = LinegateServer.builder(new ClusterPushBot(args[1], effects, Long.parseLong(args[8])), SECRET)
                .host("127.0.0.1").port(0).tls(ServerTls.insecureHttp()).storeLocation(args[0]).adminPort(0).adminToken(ADMIN)
                .apiBase(URI.create(args[5])).channelId(args[6]).accessToken(token)
                .apiLog(Duration.ofDays(1), "off")
                .floodPolicy(new FloodPolicy(1_000_000, FloodPolicy.Action.THROTTLE))
                .dispatcher(d -> d.workers(8).leases(lease, lease.dividedBy(4)))
                .build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        Files.writeString(Path.of(args[2]), server.port() + " " + server.adminPort());
        Thread.currentThread().join();
    }
}
