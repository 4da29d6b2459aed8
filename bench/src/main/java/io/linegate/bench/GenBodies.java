package io.linegate.bench;

import io.linegate.core.Secret;
import io.linegate.core.WebhookSignature;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes {@code --count} signed bodies for wrk, one per line: {@code signature TAB body}. Ids are
 * {@code --first} .. {@code --first + count - 1}.
 */
final class GenBodies {
    private GenBodies() {
    }

    static void run(Args a) throws IOException {
        Path out = Path.of(a.str("out", null));
        long first = a.lng("first", 0);
        int count = a.integer("count", 20_000);
        int users = a.integer("users", 10_000);
        Secret secret = Secret.of(Args.secret(), "BENCH_CHANNEL_SECRET");
        long bytes = 0;
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (long n = first; n < first + count; n++) {
                byte[] body = Bodies.body(n, users);
                bytes += body.length;
                w.write(WebhookSignature.sign(secret, body));
                w.write('\t');
                w.write(new String(body, StandardCharsets.UTF_8));
                w.write('\n');
            }
        }
        System.out.printf("%d bodies (ids %d..%d, %d users, mean %d bytes) -> %s%n", count, first,
                first + count - 1, users, bytes / Math.max(count, 1), out);
    }
}
