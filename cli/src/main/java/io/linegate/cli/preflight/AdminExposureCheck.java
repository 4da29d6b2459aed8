package io.linegate.cli.preflight;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The admin API does not answer without its token, neither where it is said to be ({@code
 * --admin-url}) nor on the webhook's public origin.
 */
final class AdminExposureCheck extends Check {
    static final List<String> PATHS = List.of("/admin/status", "/admin/controls", "/admin/events/dead");

    AdminExposureCheck() {
        super("admin.closed", "admin API needs its token", Guidelines.SECURITY, Gates.BOT);
    }

    @Override
    public CheckResult run(Deployment d) {
        Set<URI> bases = new LinkedHashSet<>();
        bases.add(Deployment.origin(d.target.adminUrl()));
        bases.add(Deployment.origin(d.target.webhookUrl()));
        Map<String, Object> details = new LinkedHashMap<>();
        List<String> open = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (URI base : bases) {
            for (String path : PATHS) {
                URI url = base.resolve(path);
                Http.Response none = Http.get(d.anyCertificate, url, Map.of(), d.timeout());
                if (none.ok()) {
                    details.put(url.toString(), Map.of("noToken", none.outcome()));
                    open.add(url + " answered " + none.status() + " without a token");
                    continue;
                }
                if (!path.equals(PATHS.get(0))) {
                    details.put(url.toString(), Map.of("noToken", none.outcome()));
                    continue;
                }
                // One wrong token per origin: linegate limits wrong tokens per address, and a probe must not use that up.
                Http.Response wrong = Http.get(d.anyCertificate, url,
                        Map.of("authorization", "Bearer preflight-not-the-admin-token"), d.timeout());
                details.put(url.toString(), Map.of("noToken", none.outcome(), "wrongToken", wrong.outcome()));
                if (wrong.ok()) {
                    open.add(url + " answered " + wrong.status() + " to a wrong token");
                }
            }
            seen.add(base + ": " + String.join(", ", outcomes(details, base)));
        }
        if (!open.isEmpty()) {
            return result(Status.FAIL, String.join("; ", open) + ": anyone can read and switch the bot's operator controls",
                    details);
        }
        return result(Status.PASS, "without the token: " + String.join("; ", seen), details);
    }

    @SuppressWarnings("unchecked")
    private static Set<String> outcomes(Map<String, Object> details, URI base) {
        Set<String> out = new LinkedHashSet<>();
        for (String path : PATHS) {
            Map<String, String> m = (Map<String, String>) details.get(base.resolve(path).toString());
            out.add(m.get("noToken"));
        }
        return out;
    }
}
