package io.linegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.linegate.store.ApiRequestLog.ApiCall;
import io.linegate.store.Store;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LogsCommandTest {
    @TempDir
    Path dir;

    @Test
    void filtersByStatusClassAndRequestId() {
        try (Store store = Store.sqlite(dir)) {
            store.apiRequests().record(new ApiCall(Instant.now(), "POST", "/v2/bot/message/push", 500, 10, "req-500", null, "key-1", 1, "boom", null)).join();
            store.apiRequests().record(new ApiCall(Instant.now(), "POST", "/v2/bot/message/push", 409, 5, "req-409", "req-accepted", "key-1", 2, null, null)).join();
        }
        assertThat(run("logs", "api", "--data-dir", dir.toString(), "--status", "5xx")).contains("req-500").doesNotContain("req-409");
        assertThat(run("logs", "api", "--data-dir", dir.toString(), "--request-id", "req-accepted"))
                .contains("req-409").contains("accepted-request-id=req-accepted").contains("attempt=2");
        assertThat(Cli.run(Map.of(), "logs", "api", "--data-dir", dir.toString(), "--since", "yesterday").err)
                .contains("--since takes");
    }

    static String run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        try {
            assertThat(Cli.run(Map.of(), args).exitCode).isZero();
        } finally {
            System.setOut(original);
        }
        return out.toString();
    }
}
