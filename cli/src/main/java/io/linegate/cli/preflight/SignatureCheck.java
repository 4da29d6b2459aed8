package io.linegate.cli.preflight;

import io.linegate.core.Secret;
import io.linegate.core.WebhookSignature;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** An unsigned and a wrongly signed webhook request are refused with 401: the signature is verified. */
final class SignatureCheck extends Check {
    SignatureCheck() {
        super("webhook.signature", "signature verification", Guidelines.SIGNATURE, Gates.BOT);
    }

    @Override
    public CheckResult run(Deployment d) {
        byte[] body = d.verifyBody();
        byte[] other = new byte[16];
        new SecureRandom().nextBytes(other);
        Secret wrong = Secret.of(HexFormat.of().formatHex(other), "a secret that is not the channel's");
        Http.Response unsigned = Http.postJson(d.anyCertificate, d.target.webhookUrl(), Map.of(), body, d.timeout());
        Http.Response forged = Http.postJson(d.anyCertificate, d.target.webhookUrl(),
                Map.of(WebhookSignature.HEADER, WebhookSignature.sign(wrong, body)), body, d.timeout());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("unsigned", unsigned.outcome());
        details.put("wronglySigned", forged.outcome());
        return result(judge(unsigned, forged), reason(unsigned, forged), details);
    }

    static Status judge(Http.Response unsigned, Http.Response forged) {
        if (unsigned.ok() || forged.ok() || unsigned.status() == 0 || forged.status() == 0
                || unsigned.status() >= 500 || forged.status() >= 500) {
            return Status.FAIL;
        }
        return unsigned.status() == 401 && forged.status() == 401 ? Status.PASS : Status.WARN;
    }

    private static String reason(Http.Response unsigned, Http.Response forged) {
        String seen = "an unsigned request got " + unsigned.outcome() + ", a wrongly signed one " + forged.outcome();
        switch (judge(unsigned, forged)) {
            case PASS:
                return seen;
            case WARN:
                return seen + ": refused, but LINE's reference answers a bad signature with 401";
            default:
                return seen + (unsigned.ok() || forged.ok()
                        ? ": the server accepts webhooks without checking x-line-signature against the channel secret"
                        : ": no clean refusal");
        }
    }
}
