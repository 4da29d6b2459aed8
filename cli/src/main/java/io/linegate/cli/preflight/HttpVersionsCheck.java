package io.linegate.cli.preflight;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The bot server answers over HTTP/1.1 and over HTTP/2, both of which LINE's webhook client may use. */
final class HttpVersionsCheck extends Check {
    HttpVersionsCheck() {
        super("http.versions", "HTTP/1.1 and HTTP/2", Guidelines.TLS_SPEC, Gates.BOT);
    }

    @Override
    public CheckResult run(Deployment d) {
        URI url = d.target.webhookUrl();
        Map<String, Object> details = new LinkedHashMap<>();
        List<String> answered = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (String[] v : new String[][] {{"h1", "HTTP/1.1"}, {"h2", "HTTP/2"}}) {
            URI over = URI.create(v[0] + "://" + url.getRawAuthority() + (url.getRawPath() == null ? "/" : url.getRawPath()));
            Http.Response res = d.signedWebhook(d.anyCertificate, over, d.verifyBody());
            details.put(v[1], res.outcome());
            (res.status() > 0 ? answered : failed).add(v[1] + " " + res.outcome());
        }
        if (!failed.isEmpty()) {
            return result(Status.FAIL, String.join("; ", failed)
                    + (answered.isEmpty() ? "" : " (" + String.join(", ", answered) + ")"), details);
        }
        return result(Status.PASS, "a signed Verify request answered over " + String.join(" and over ", answered), details);
    }
}
