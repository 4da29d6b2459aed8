package io.linegate.cli.preflight;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/** Every request to LINE and its response are logged, and kept for a set period. */
final class ApiLogCheck extends Check {
    ApiLogCheck() {
        super("sending.log", "API request log", Guidelines.API_LOGS, Gates.ADMIN);
    }

    @Override
    public CheckResult run(Deployment d) {
        JsonNode log = d.adminStatus.path("apiLog");
        if (!log.path("on").asBoolean()) {
            return skip("the server does not send, so there is nothing to log");
        }
        Duration retention;
        try {
            retention = Duration.parse(log.path("retention").asText());
        } catch (DateTimeParseException e) {
            return fail("the server reports no API log retention");
        }
        if (retention.isZero() || retention.isNegative()) {
            return fail("API request log entries are kept " + retention + ": nothing is kept (--api-log-retention)");
        }
        return pass("every request to LINE and its answer logged, kept " + TokenCheck.human(retention)
                + " (bodies: " + log.path("bodies").asText() + "); read with linegate logs api");
    }
}
