package io.linegate.cli.preflight;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The bot server negotiates TLS 1.2 or 1.3 and refuses TLS 1.0 and 1.1. */
final class TlsVersionsCheck extends Check {
    TlsVersionsCheck() {
        super("tls.versions", "TLS versions", Guidelines.TLS, Gates.BOT);
    }

    @Override
    public CheckResult run(Deployment d) {
        if (!"https".equalsIgnoreCase(d.target.webhookUrl().getScheme())) {
            return fail("the webhook URL is not https");
        }
        TlsProbe.Result r = d.tls();
        Map<String, Object> details = new LinkedHashMap<>();
        List<String> modern = new ArrayList<>();
        List<String> legacy = new ArrayList<>();
        List<String> why = new ArrayList<>();
        for (TlsProbe.Attempt a : r.attempts()) {
            details.put(a.offered(), a.accepted() ? "accepted" : "refused: " + a.error());
            boolean isModern = Deployment.MODERN_TLS.contains(a.offered());
            if (a.accepted()) {
                (isModern ? modern : legacy).add(name(a.offered()));
            } else if (isModern) {
                why.add(name(a.offered()) + ": " + a.error());
            }
        }
        Collections.reverse(modern); // newest first
        if (!legacy.isEmpty()) {
            return result(Status.FAIL, "accepts " + String.join(" and ", legacy) + ": only TLS 1.2 or later may be offered"
                    + (modern.isEmpty() ? "; and no TLS 1.2 or 1.3 (" + String.join("; ", why) + ")" : ""), details);
        }
        if (modern.isEmpty()) {
            return result(Status.FAIL, "no TLS 1.2 or 1.3 handshake: " + String.join("; ", why), details);
        }
        String accepted = String.join(" and ", modern) + " accepted";
        if (!r.canOfferLegacy()) {
            return result(Status.WARN, accepted + "; the refusal of TLS 1.0 and 1.1 was not checked: this JVM has no"
                    + " OpenSSL to offer them", details);
        }
        return result(Status.PASS, accepted + ", TLS 1.1 and 1.0 refused", details);
    }

    static String name(String protocol) {
        return protocol.equals("TLSv1") ? "TLS 1.0" : protocol.replace("TLSv", "TLS ");
    }
}
