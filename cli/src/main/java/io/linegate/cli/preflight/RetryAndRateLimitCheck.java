package io.linegate.cli.preflight;

import com.fasterxml.jackson.databind.JsonNode;

/** Pushes and other sends carry retry keys, and rate limits are kept: by construction, as the server reports. */
final class RetryAndRateLimitCheck extends Check {
    RetryAndRateLimitCheck() {
        super("sending.retries", "retry keys and rate limits", Guidelines.RETRY, Gates.ADMIN);
    }

    @Override
    public CheckResult run(Deployment d) {
        JsonNode s = d.adminStatus.path("sending");
        if (!s.path("on").asBoolean()) {
            return skip("the server does not send");
        }
        if (!s.path("retryKeys").asBoolean() || !s.has("rateLimits")) {
            return fail("the server does not report retry keys and rate limits as on");
        }
        return pass("on by construction: every push, multicast, broadcast and narrowcast carries an X-Line-Retry-Key"
                + " and is retried with it; rate limits " + s.path("rateLimits").asText());
    }
}
