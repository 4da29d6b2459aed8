package io.linegate.cli;

import io.linegate.store.ApiRequestLog.ApiCall;
import io.linegate.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code linegate logs api}: query the API request log of a data directory. */
@Command(name = "logs", mixinStandardHelpOptions = true, description = "Query logs kept in the data directory.",
        subcommands = LogsCommand.Api.class)
final class LogsCommand {

    @Command(name = "api", mixinStandardHelpOptions = true,
            description = "Requests to the LINE Platform, newest first: one line per attempt.")
    static final class Api implements Callable<Integer> {
        @Mixin
        DataDir dataDir;

        @Option(names = "--since", defaultValue = "1h", description = "How far back: 30m, 1h, 7d (default: ${DEFAULT-VALUE}).")
        String since;

        @Option(names = "--status", description = "Only these statuses: 200, 429, 4xx, 5xx, or 0 for no response.")
        String status;

        @Option(names = "--request-id", description = "Only the attempt with this x-line-request-id (or accepted request id).")
        String requestId;

        @Option(names = "--limit", defaultValue = "100", description = "At most this many (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            Instant from = Instant.now().minus(duration(since));
            int[] range = statusRange(status);
            try (Store store = dataDir.open()) {
                var calls = store.apiRequests().query(from, range[0], range[1], requestId, limit);
                if (calls.isEmpty()) {
                    System.out.println("no API requests match");
                    return 0;
                }
                for (ApiCall c : calls) {
                    System.out.printf("%s %-6s %-40s %3d %5dms attempt=%d request-id=%s%s%s%s%n", c.at(), c.method(),
                            c.endpoint(), c.status(), c.latencyMs(), c.attempt(), c.requestId(),
                            c.acceptedRequestId() == null ? "" : " accepted-request-id=" + c.acceptedRequestId(),
                            c.retryKey() == null ? "" : " retry-key=" + c.retryKey(),
                            c.error() == null ? "" : " error=" + c.error());
                }
                return 0;
            }
        }

        static Duration duration(String s) {
            String v = s.trim().toLowerCase(Locale.ROOT);
            try {
                long n = Long.parseLong(v.substring(0, v.length() - 1));
                switch (v.charAt(v.length() - 1)) {
                    case 's': return Duration.ofSeconds(n);
                    case 'm': return Duration.ofMinutes(n);
                    case 'h': return Duration.ofHours(n);
                    case 'd': return Duration.ofDays(n);
                    default: break;
                }
            } catch (RuntimeException e) {
                // fall through to the error below
            }
            throw new IllegalArgumentException("--since takes a number and s, m, h or d (30m, 1h, 7d), not " + s);
        }

        static int[] statusRange(String s) {
            if (s == null) {
                return new int[] {0, 999};
            }
            if (s.matches("[1-5]xx")) {
                int base = (s.charAt(0) - '0') * 100;
                return new int[] {base, base + 99};
            }
            if (s.matches("\\d{1,3}")) {
                int code = Integer.parseInt(s);
                return new int[] {code, code};
            }
            throw new IllegalArgumentException("--status takes a code (429) or a class (5xx), not " + s);
        }
    }
}
