package io.linegate.emulator.login;

import static com.linecorp.armeria.common.HttpMethod.GET;

import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.RateLimiter.Limit;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The LIFF browser, for browsers outside LINE (LIFF docs, "Using user data in LIFF apps and servers"). {@code GET /liff/{liffId}[/path][?query]}
 * is opening {@code https://liff.line.me/{liffId}...}: with the LINE session (else the login page
 * first), it issues the ID token and access token and redirects to the endpoint URL plus the
 * secondary-redirect path and query, with the tokens in the fragment. {@code GET /liff/sdk.js} is a
 * small stand-in for the LIFF SDK that reads them ({@link #SDK}).
 */
final class LiffBrowser {
    static final String PREFIX = "/liff/";
    /** liff.login({redirectUri}) passes its URL here; it is honoured only at or below the endpoint URL. */
    private static final String REDIRECT_PARAM = "liff.redirect";
    /** The router matches one segment per parameter, so the secondary-redirect path gets a route per depth. */
    private static final int MAX_EXTRA_SEGMENTS = 8;
    private final LineLogin login;
    private final Sessions sessions;

    LiffBrowser(LineLogin login, Sessions sessions) {
        this.login = login;
        this.sessions = sessions;
    }

    void register(Router r) {
        r.on(GET, PREFIX + "sdk.js").noAuth().limit(Limit.NONE).to(c -> Reply.bytes(HttpStatus.OK,
                MediaType.JAVASCRIPT_UTF_8, SDK.getBytes(StandardCharsets.UTF_8)).header("cache-control", "no-cache"));
        String template = PREFIX + "{liffId}";
        for (int i = 0; i <= MAX_EXTRA_SEGMENTS; i++) {
            r.on(GET, template).noAuth().limit(Limit.NONE).to(Html.guard(this::open));
            template += "/{p" + i + "}";
        }
    }

    private Reply open(Call c) {
        String rest = c.ctx().path().substring(PREFIX.length());
        int slash = rest.indexOf('/');
        String liffId = slash < 0 ? rest : rest.substring(0, slash);
        String extra = slash < 0 ? "" : rest.substring(slash);
        LiffApp app = login.liffApp(liffId);
        if (app == null) {
            return Html.error(HttpStatus.NOT_FOUND, "LIFF app not found", "There is no LIFF app with this LIFF ID.");
        }
        String rawQuery = c.ctx().query();
        Sessions.Session s = sessions.current(c);
        if (s == null) {
            return sessions.loginPage(c.ctx().path() + (rawQuery == null ? "" : "?" + rawQuery), null, c.now());
        }
        if (!app.channel().mayLogIn(s.userId())) {
            return Html.error(HttpStatus.FORBIDDEN, "This channel is under development",
                    "Only the channel's admins and testers can open its LIFF apps.");
        }
        String endpoint = app.endpointUrl();
        if (endpoint == null) {
            return Html.error(HttpStatus.NOT_FOUND, "LIFF app has no endpoint URL",
                    "Set the LIFF app's endpoint URL (emulator option or control API) first.");
        }
        String target = target(endpoint, extra, rawQuery);
        LineLogin.LiffSession t = login.liffSession(app, s.userId(), c.now());
        StringBuilder fragment = new StringBuilder("access_token=").append(Html.enc(t.accessToken()));
        if (t.idToken() != null) {
            fragment.append("&id_token=").append(Html.enc(t.idToken()));
        }
        fragment.append("&expires_in=").append(t.expiresIn()).append("&liff_id=").append(Html.enc(liffId));
        return Html.redirect(target + "#" + fragment);
    }

    /** The endpoint URL with the secondary redirect (§7), or liff.login's redirectUri if it lies under the endpoint. */
    static String target(String endpoint, String extraPath, String rawQuery) {
        int qi = endpoint.indexOf('?');
        String base = qi < 0 ? endpoint : endpoint.substring(0, qi);
        List<String> query = new ArrayList<>();
        if (qi >= 0 && qi + 1 < endpoint.length()) {
            query.add(endpoint.substring(qi + 1));
        }
        if (rawQuery != null) {
            String redirect = QueryParams.fromQueryString(rawQuery).get(REDIRECT_PARAM);
            if (redirect != null && redirect.startsWith(base) && redirect.indexOf('#') < 0
                    && (redirect.length() == base.length() || base.endsWith("/") || "/?".indexOf(redirect.charAt(base.length())) >= 0)) {
                return redirect;
            }
            for (String p : rawQuery.split("&")) {
                if (!p.isEmpty() && !p.startsWith(REDIRECT_PARAM + "=")) {
                    query.add(p);
                }
            }
        }
        if (!extraPath.isEmpty()) {
            base = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + extraPath;
        }
        return query.isEmpty() ? base : base + "?" + String.join("&", query);
    }

    /**
     * A shim of the LIFF SDK: {@code liff.init({liffId})} takes the tokens from the fragment (and removes
     * them from the address bar), keeps them in sessionStorage for reloads; {@code isLoggedIn},
     * {@code getIDToken}, {@code getAccessToken}, {@code getDecodedIDToken}, {@code login}, {@code logout},
     * {@code isInClient} (false), {@code getOS} ("web"), {@code ready}. Not LINE's SDK.
     */
    static final String SDK = """
            /* linegate emulator: a stand-in for the LIFF SDK in browsers outside LINE. Not LINE's SDK. */
            (function () {
              'use strict';
              var script = document.currentScript;
              var emulator = script ? new URL(script.src, location.href).origin : location.origin;
              var KEY = 'linegate.liff.';
              var FRAGMENT_KEYS = ['access_token', 'id_token', 'expires_in', 'liff_id'];
              var state = { liffId: null, accessToken: null, idToken: null };
              var resolveReady;

              function load(liffId) {
                try { return JSON.parse(sessionStorage.getItem(KEY + liffId)); } catch (e) { return null; }
              }

              function decode(jwt) {
                var p = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
                while (p.length % 4) { p += '='; }
                var bin = atob(p);
                var bytes = new Uint8Array(bin.length);
                for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
                return JSON.parse(new TextDecoder().decode(bytes));
              }

              var liff = {
                id: null,
                ready: new Promise(function (resolve) { resolveReady = resolve; }),
                init: function (config) {
                  if (!config || !config.liffId) { return Promise.reject(new Error('liffId is required')); }
                  state.liffId = config.liffId;
                  liff.id = config.liffId;
                  var params = new URLSearchParams(location.hash.replace(/^#/, ''));
                  if (params.get('access_token') && params.get('liff_id') === config.liffId) {
                    sessionStorage.setItem(KEY + config.liffId, JSON.stringify({
                      accessToken: params.get('access_token'),
                      idToken: params.get('id_token'),
                      expiresAt: Date.now() + 1000 * Number(params.get('expires_in') || 0)
                    }));
                    FRAGMENT_KEYS.forEach(function (k) { params.delete(k); });
                    var rest = params.toString();
                    history.replaceState(history.state, '', location.pathname + location.search + (rest ? '#' + rest : ''));
                  }
                  var t = load(config.liffId);
                  if (t && t.expiresAt > Date.now()) {
                    state.accessToken = t.accessToken;
                    state.idToken = t.idToken;
                  } else {
                    sessionStorage.removeItem(KEY + config.liffId);
                  }
                  resolveReady();
                  return Promise.resolve();
                },
                isLoggedIn: function () { return !!state.accessToken; },
                isInClient: function () { return false; },
                getOS: function () { return 'web'; },
                getIDToken: function () { return state.idToken; },
                getAccessToken: function () { return state.accessToken; },
                getDecodedIDToken: function () { return state.idToken ? decode(state.idToken) : null; },
                login: function (config) {
                  if (!state.liffId) { throw new Error('call liff.init() first'); }
                  var url = emulator + '/liff/' + encodeURIComponent(state.liffId);
                  if (config && config.redirectUri) { url += '?liff.redirect=' + encodeURIComponent(config.redirectUri); }
                  location.href = url;
                },
                logout: function () {
                  if (state.liffId) { sessionStorage.removeItem(KEY + state.liffId); }
                  state.accessToken = null;
                  state.idToken = null;
                }
              };
              window.liff = liff;
            })();
            """;
}
