package io.linegate.cli.preflight;

import java.net.URI;
import java.util.Map;

/** The running server's {@code /admin/status}, read with the admin token, for the sending and operations checks. */
final class AdminAccess extends Check {
    AdminAccess() {
        super(Gates.ADMIN, "server status (admin API)", Guidelines.SECURITY);
    }

    @Override
    public CheckResult run(Deployment d) {
        URI url = d.target.adminUrl().resolve("/admin/status");
        if (d.target.adminToken() == null) {
            return warn("not checked: set LINEGATE_ADMIN_TOKEN so that the sending and operations checks can read " + url);
        }
        Http.Response res = Http.get(d.strict, url, Map.of("authorization", "Bearer " + d.target.adminToken().reveal()),
                d.timeout());
        if (res.status() == 401 || res.status() == 403) {
            return fail("the admin API at " + url + " refused LINEGATE_ADMIN_TOKEN (" + res.status() + ")");
        }
        if (res.status() == 429) {
            return fail("the admin API at " + url + " is refusing this address for a while after wrong tokens (429)");
        }
        if (res.status() == 404) {
            return warn("no admin API at " + url + " (404): give its address with --admin-url");
        }
        if (res.status() == 0) {
            return warn("cannot read " + url + " (" + res.outcome() + "): give the admin API's address with --admin-url"
                    + (res.error().startsWith("TLS") ? ", or its certificate with --trust" : ""));
        }
        if (!res.ok()) {
            return fail("GET " + url + ": " + res.outcome());
        }
        d.adminStatus = Deployment.json(res.body());
        return pass("read " + url + " (bot \"" + d.adminStatus.path("bot").asText() + "\")");
    }
}
