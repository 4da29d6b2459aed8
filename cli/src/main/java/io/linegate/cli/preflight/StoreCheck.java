package io.linegate.cli.preflight;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The server's store answers and its disk has room: webhooks are acknowledged only after a durable
 * append, so a full disk turns into refused webhooks.
 */
final class StoreCheck extends Check {
    static final long FAIL_UNDER = 64L * 1024 * 1024;
    static final long WARN_UNDER = 1024L * 1024 * 1024;

    StoreCheck() {
        super("ops.store", "store and disk space", Guidelines.PROCESSING, Gates.ADMIN);
    }

    @Override
    public CheckResult run(Deployment d) {
        JsonNode s = d.adminStatus.path("store");
        String where = s.path("location").asText("the store");
        if (!s.path("reachable").asBoolean()) {
            return fail(where + " did not answer (" + s.path("error").asText("no status") + ")");
        }
        if (!s.path("writable").asBoolean(true)) {
            return fail(where + " cannot write (" + s.path("writeProblem").asText("no reason given")
                    + "): the server is not ready and webhooks are answered 503");
        }
        if (!s.has("usableBytes")) {
            return pass(where + " answers; its disk space is not the server's to report (not a local SQLite directory)");
        }
        long free = s.path("usableBytes").asLong();
        long total = s.path("totalBytes").asLong();
        String space = where + " answers; " + mib(free) + " free of " + mib(total) + " in " + s.path("dataDir").asText();
        if (free < FAIL_UNDER) {
            return fail(space + ": webhooks cannot be journaled much longer");
        }
        if (free < WARN_UNDER || (total > 0 && free * 20 < total)) {
            return warn(space + ": little room left for the journal");
        }
        return pass(space);
    }

    private static String mib(long bytes) {
        return bytes >= 10L * 1024 * 1024 * 1024 ? bytes / (1024L * 1024 * 1024) + " GiB" : bytes / (1024 * 1024) + " MiB";
    }
}
