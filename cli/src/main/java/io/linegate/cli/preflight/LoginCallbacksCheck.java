package io.linegate.cli.preflight;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Login channel's callback URLs use https (http only to this machine, with a warning), there are
 * at most 400, and the site's callback pages answer.
 */
final class LoginCallbacksCheck extends Check {
    static final int MAX = 400;
    static final int MAX_PAGES_PROBED = 50;

    LoginCallbacksCheck() {
        super("login.callbacks", "LINE Login callback URLs", Guidelines.CALLBACK_URLS);
    }

    @Override
    public CheckResult run(Deployment d) {
        LoginCallbacks.Resolved cb = d.loginCallbacks();
        if (!cb.configured()) {
            return skip("no LINE Login channel given (--login-channel-id, --login-callback)");
        }
        if (cb.problem() != null) {
            return fail(cb.problem());
        }
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        if (cb.urls().size() > MAX) {
            problems.add(cb.urls().size() + " callback URLs: LINE allows at most " + MAX);
        }
        for (String s : cb.urls()) {
            URI u;
            try {
                u = URI.create(s);
            } catch (IllegalArgumentException e) {
                problems.add(s + " is not a URL");
                continue;
            }
            if (LoginCallbacks.isLoopbackHttp(u)) {
                warnings.add(s + " is plain http (to this machine only: fine for development, not for release)");
            } else if (!LoginCallbacks.isHttps(u) || u.getHost() == null) {
                problems.add(s + " is not https");
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("count", cb.urls().size());
        details.put("source", cb.source());
        Set<URI> pages = LoginCallbacks.pages(cb.urls());
        int probed = 0;
        for (URI page : pages) {
            if (probed++ == MAX_PAGES_PROBED) {
                break;
            }
            Http.Response res = Http.get(d.strict, page, Map.of(), d.timeout());
            details.put(page.toString(), res.outcome());
            if (res.status() == 0 || res.status() >= 500) {
                problems.add(page + " does not answer (" + res.outcome() + ")");
            }
        }
        String summary = cb.urls().size() + " callback URL" + (cb.urls().size() == 1 ? "" : "s") + " (from " + cb.source()
                + "), " + Math.min(pages.size(), MAX_PAGES_PROBED) + " page" + (pages.size() == 1 ? "" : "s") + " answering";
        if (!problems.isEmpty()) {
            return result(Status.FAIL, String.join("; ", problems), details);
        }
        if (!warnings.isEmpty()) {
            return result(Status.WARN, summary + "; " + String.join("; ", warnings), details);
        }
        return result(Status.PASS, summary + ", all https", details);
    }
}
