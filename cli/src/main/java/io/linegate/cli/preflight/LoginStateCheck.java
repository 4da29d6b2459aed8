package io.linegate.cli.preflight;

import com.linecorp.armeria.common.QueryParams;
import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The site's LINE Login is protected: its callback refuses a {@code state} it never issued, and (with
 * {@code --login-start}, the site's "Log in with LINE" address) its authorization request carries a
 * {@code state} that is random per login and tied to the browser by a cookie, a {@code nonce}, and
 * PKCE with S256, to a registered callback URL.
 */
final class LoginStateCheck extends Check {
    static final int MAX_PAGES_PROBED = 10;

    LoginStateCheck() {
        super("login.state", "LINE Login state, nonce and PKCE", Guidelines.STATE);
    }

    @Override
    public CheckResult run(Deployment d) {
        LoginCallbacks.Resolved cb = d.loginCallbacks();
        URI start = d.target.loginStart();
        if (!cb.configured() && start == null) {
            return skip("no LINE Login channel given (--login-channel-id, --login-callback, --login-start)");
        }
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<String> good = new ArrayList<>();
        Map<String, Object> details = new LinkedHashMap<>();
        forgedState(d, cb, problems, warnings, good, details);
        if (start != null) {
            authorizationRequest(d, start, cb, problems, warnings, good, details);
        } else {
            warnings.add("nonce and PKCE not checked: give --login-start URL (the site's \"Log in with LINE\" address)");
        }
        if (!problems.isEmpty()) {
            return result(Status.FAIL, String.join("; ", problems), details);
        }
        if (!warnings.isEmpty()) {
            return result(Status.WARN, String.join("; ", good) + (good.isEmpty() ? "" : "; ") + String.join("; ", warnings),
                    details);
        }
        return result(Status.PASS, String.join("; ", good), details);
    }

    private static void forgedState(Deployment d, LoginCallbacks.Resolved cb, List<String> problems,
                                     List<String> warnings, List<String> good, Map<String, Object> details) {
        int probed = 0;
        for (URI page : LoginCallbacks.pages(cb.urls())) {
            if (probed++ == MAX_PAGES_PROBED) {
                break;
            }
            URI forged = URI.create(page + "?code=preflight-forged-code&state=" + random());
            Http.Response res = Http.get(d.strict, forged, Map.of(), d.timeout());
            details.put("forgedState " + page, res.outcome());
            if (res.status() >= 400 && res.status() < 500) {
                good.add(page + " refuses a state it never issued (" + res.status() + ")");
            } else if (res.status() == 0 || res.status() >= 500) {
                problems.add(page + " answered " + res.outcome() + " to a state it never issued");
            } else {
                warnings.add(page + " answered " + res.status() + " to a state it never issued: make sure it refuses it");
            }
        }
    }

    private static void authorizationRequest(Deployment d, URI start, LoginCallbacks.Resolved cb, List<String> problems,
                                             List<String> warnings, List<String> good, Map<String, Object> details) {
        Http.Response first = Http.get(d.strict, start, Map.of(), d.timeout());
        Http.Response second = Http.get(d.strict, start, Map.of(), d.timeout());
        String location = first.header("location");
        details.put("loginStart", first.outcome());
        if (first.status() / 100 != 3 || location == null || second.header("location") == null) {
            problems.add(start + " answered " + first.outcome() + ", not a redirect to LINE's authorization page");
            return;
        }
        QueryParams a = query(location);
        QueryParams b = query(second.header("location"));
        List<String> missing = new ArrayList<>();
        for (String name : List.of("response_type", "client_id", "redirect_uri", "state", "nonce", "code_challenge",
                "code_challenge_method")) {
            if (a.get(name) == null || a.get(name).isBlank()) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            problems.add("the authorization request lacks " + String.join(", ", missing));
            return;
        }
        if (!"S256".equals(a.get("code_challenge_method"))) {
            problems.add("PKCE uses " + a.get("code_challenge_method") + ", not S256");
        }
        if (a.get("state").equals(b.get("state")) || a.get("nonce").equals(b.get("nonce"))) {
            problems.add("state or nonce repeats between two logins: each must be random per login");
        }
        if (a.get("state").length() < 16) {
            problems.add("state has " + a.get("state").length() + " characters: too short to be unguessable");
        }
        String redirect = a.get("redirect_uri");
        if (!cb.urls().isEmpty() && cb.urls().stream().noneMatch(u -> redirect.equals(u) || redirect.startsWith(u + "?")
                || redirect.startsWith(u + "&"))) {
            problems.add("redirect_uri " + redirect + " is not a registered callback URL");
        }
        String cookie = first.header("set-cookie");
        if (cookie == null) {
            warnings.add("the login start sets no cookie: how is state tied to the browser?");
        } else if (!cookie.toLowerCase(Locale.ROOT).contains("httponly")) {
            warnings.add("the cookie that carries the login is not HttpOnly");
        }
        if (problems.isEmpty()) {
            good.add("random state" + (cookie != null ? " tied to the browser by a cookie" : "") + ", nonce and PKCE (S256)"
                    + " on the authorization request");
        }
    }

    private static QueryParams query(String location) {
        URI u = URI.create(location);
        return QueryParams.fromQueryString(u.getRawQuery() == null ? "" : u.getRawQuery());
    }

    private static String random() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
