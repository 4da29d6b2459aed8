package io.linegate.server;

import io.linegate.core.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The server {@link MemoryAttackTest} attacks, in a JVM of its own with a small heap and
 * {@code -XX:+ExitOnOutOfMemoryError}: the production defaults (1 MiB bodies, 64 MiB of bodies in
 * memory), plain HTTP on loopback, an admin listener for the metrics.
 */
public final class AttackTarget {
    static final Secret SECRET = Secret.of("c0ffeec0ffeec0ffeec0ffeec0ffee01", "LINE_CHANNEL_SECRET");

    private AttackTarget() {}

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        Path portFile = Path.of(args[1]);
        LinegateServer.Builder builder = LinegateServer.builder(new RecordingBot(), SECRET)
                .host("127.0.0.1").port(0).adminPort(0).tls(ServerTls.insecureHttp()).dataDir(dataDir);
        if (args.length > 2) {
            builder.maxBodyBytesInFlight(Long.parseLong(args[2]));
        }
        LinegateServer server = builder.build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        Path tmp = Files.createTempFile(portFile.getParent(), "port", ".tmp");
        Files.writeString(tmp, server.port() + " " + server.adminPort());
        Files.move(tmp, portFile, StandardCopyOption.ATOMIC_MOVE);
        Thread.currentThread().join();
    }
}
