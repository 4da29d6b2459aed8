package io.linegate.cli.preflight;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * The running server sends with tokens linegate issues and reissues before they expire (short-lived,
 * stateless or v2.1), not with a long-lived token from the console.
 */
final class TokenCheck extends Check {
    TokenCheck() {
        super("sending.tokens", "channel access tokens", Guidelines.TOKENS, Gates.ADMIN);
    }

    @Override
    public CheckResult run(Deployment d) {
        JsonNode t = d.adminStatus.path("tokens");
        if (t.isMissingNode() || t.isNull()) {
            return warn("the server does not send (no channel access token configured): replies and pushes fail");
        }
        String type = t.path("type").asText();
        switch (type) {
            case "long-lived":
                return warn("a long-lived channel access token: the guidelines advise against them from a security"
                        + " standpoint; use short-lived, v2.1 or stateless tokens, which linegate issues and reissues"
                        + " (--token-type)");
            case "fixed":
                return warn("a fixed token handed to the server: linegate cannot reissue it before it expires");
            default:
                if (t.has("error")) {
                    return fail(type + " tokens issued by linegate, but " + t.path("error").asText());
                }
                String remaining = t.has("remainingSeconds")
                        ? "the current one expires in " + human(Duration.ofSeconds(t.path("remainingSeconds").asLong()))
                        + " and is reissued before then"
                        : "none issued yet (the first send issues one)";
                return pass(type + " tokens issued and reissued by linegate; " + remaining);
        }
    }

    /** "29 d 23 h", "30 d", "14 min 59 s": the two largest units, a zero second one left out. */
    static String human(Duration d) {
        long[] values = {d.toDays(), d.toHoursPart(), d.toMinutesPart(), d.toSecondsPart()};
        String[] units = {"d", "h", "min", "s"};
        for (int i = 0; i < values.length - 1; i++) {
            if (values[i] > 0) {
                return values[i] + " " + units[i] + (values[i + 1] > 0 ? " " + values[i + 1] + " " + units[i + 1] : "");
            }
        }
        return values[3] + " s";
    }
}
