package io.linegate.messaging.token;

import com.nimbusds.jose.jwk.RSAKey;
import io.linegate.core.Secret;
import io.linegate.store.Store;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One server process of {@link TokenProcessesTest}: asks for the v2.1 token as a sender would, runs
 * the maintenance a server runs, and prints a short hash of every distinct token it used. The channel
 * secret comes in the environment and the key in a file, never on the command line.
 */
public final class TokenProcess {
    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        URI api = URI.create(args[1]);
        String channelId = args[2];
        RSAKey key = RSAKey.parse(Files.readString(Path.of(args[3])));
        Instant until = Instant.now().plusSeconds(Long.parseLong(args[4]));
        Secret secret = Secret.of(System.getenv("LINE_CHANNEL_SECRET"), "LINE_CHANNEL_SECRET");
        Set<String> used = new LinkedHashSet<>();
        try (Store store = Store.sqlite(data)) {
            TokenManager tokens = TokenManager.v21(channelId, secret, key, Duration.ofSeconds(12)).store(store.tokens()).apiBase(api)
                    .renewBefore(Duration.ofSeconds(8)).revokeAfter(Duration.ofSeconds(2)).build();
            long lastMaintenance = 0;
            while (Instant.now().isBefore(until)) {
                used.add(hash(tokens.current().reveal()));
                if (System.nanoTime() - lastMaintenance > 500_000_000L) {
                    tokens.maintain();
                    lastMaintenance = System.nanoTime();
                }
                Thread.sleep(20);
            }
        }
        System.out.println("USED " + String.join(" ", used));
    }

    private static String hash(String token) throws Exception {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(d, 0, 6);
    }
}
