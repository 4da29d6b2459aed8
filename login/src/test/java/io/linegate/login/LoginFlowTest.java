package io.linegate.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linegate.store.Digests;
import io.linegate.store.Store;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The callback's CSRF defences: each attack of issue 5 on {@code state} is refused. */
class LoginFlowTest {
    static final String CALLBACK = "https://members.example.com/login/callback";

    @TempDir
    Path dir;
    Store store;
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T00:00:00Z"));
    LoginFlow flow;

    @BeforeEach
    void start() {
        store = Store.sqlite(dir);
        flow = new LoginFlow("1234567890", "https://access.line.me", CallbackUrls.of(List.of(CALLBACK)), store.pendingLogins(), clock);
    }

    @AfterEach
    void stop() {
        store.close();
    }

    static Map<String, String> query(String url) {
        Map<String, String> q = new HashMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            q.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    static String cookieValue(String setCookie) {
        return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
    }

    @Test
    void theAuthorizationUrlCarriesStateNoncePkceAndTheOptions() {
        LoginFlow.Begin begin = flow.begin(CALLBACK + "?from=menu",
                LoginFlow.Options.scopes("profile", "openid").withBotPrompt("normal"));
        assertThat(begin.authorizationUrl()).startsWith("https://access.line.me/oauth2/v2.1/authorize?");
        Map<String, String> q = query(begin.authorizationUrl());
        assertThat(q).containsEntry("response_type", "code").containsEntry("client_id", "1234567890")
                .containsEntry("redirect_uri", CALLBACK + "?from=menu").containsEntry("scope", "openid profile")
                .containsEntry("code_challenge_method", "S256").containsEntry("bot_prompt", "normal");
        assertThat(q.get("state")).matches("[A-Za-z0-9_-]{43}");
        assertThat(q.get("nonce")).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(q.get("state"));
        assertThat(begin.setCookie()).contains("HttpOnly").contains("Secure").contains("SameSite=Lax").contains("Max-Age=600");

        LoginFlow.Callback ok = flow.callback(cookieValue(begin.setCookie()),
                Map.of("code", "abcd1234", "state", q.get("state"), "friendship_status_changed", "true"));
        assertThat(ok.authorized()).isNotNull();
        assertThat(ok.authorized().redirectUri()).isEqualTo(CALLBACK + "?from=menu");
        assertThat(Pkce.challenge(ok.authorized().codeVerifier())).isEqualTo(q.get("code_challenge"));
        assertThat(ok.authorized().nonce()).isEqualTo(q.get("nonce"));
        assertThat(ok.authorized().friendshipStatusChanged()).isTrue();
        assertThat(ok.authorized().toString()).doesNotContain("abcd1234").doesNotContain(ok.authorized().codeVerifier());
    }

    @Test
    void anUnregisteredRedirectUriOrABadScopeIsRefusedBeforeAnythingIsSent() {
        assertThatThrownBy(() -> flow.begin("https://evil.example/cb", LoginFlow.Options.scopes("openid")))
                .hasMessageContaining("registered");
        assertThatThrownBy(() -> flow.begin(CALLBACK, LoginFlow.Options.scopes("email"))).hasMessageContaining("scope");
    }

    LoginFlow.Begin begin() {
        return flow.begin(CALLBACK, LoginFlow.Options.scopes("profile", "openid"));
    }

    @Test
    void aMissingStateIsRefused() {
        LoginFlow.Begin b = begin();
        assertThat(flow.callback(cookieValue(b.setCookie()), Map.of("code", "c")).refused().reason()).contains("no state");
    }

    @Test
    void aMismatchedStateIsRefused() {
        LoginFlow.Begin b = begin();
        LoginFlow.Begin attackers = begin(); // the attacker's own login, whose state they know
        String theirState = query(attackers.authorizationUrl()).get("state");
        assertThat(flow.callback(cookieValue(b.setCookie()), Map.of("code", "c", "state", theirState)).refused().reason())
                .contains("does not match");
    }

    @Test
    void aCallbackWithoutTheBrowsersCookieIsRefused() {
        LoginFlow.Begin b = begin();
        String state = query(b.authorizationUrl()).get("state");
        assertThat(flow.callback(null, Map.of("code", "c", "state", state)).refused().reason()).contains("cookie");
    }

    @Test
    void aReusedStateIsRefused() {
        LoginFlow.Begin b = begin();
        Map<String, String> callback = Map.of("code", "c", "state", query(b.authorizationUrl()).get("state"));
        assertThat(flow.callback(cookieValue(b.setCookie()), callback).authorized()).isNotNull();
        assertThat(flow.callback(cookieValue(b.setCookie()), callback).refused().reason()).contains("already");
    }

    @Test
    void anExpiredStateIsRefused() {
        LoginFlow.Begin b = begin();
        clock.advance(Duration.ofMinutes(11));
        assertThat(flow.callback(cookieValue(b.setCookie()), Map.of("code", "c", "state", query(b.authorizationUrl()).get("state")))
                .refused().reason()).contains("10 minutes");
    }

    @Test
    void linesErrorResponsesAreSurfacedForTheUser() {
        LoginFlow.Begin b = begin();
        LoginFlow.Callback denied = flow.callback(cookieValue(b.setCookie()), Map.of("error", "ACCESS_DENIED",
                "error_description", "The resource owner denied the request.", "state", query(b.authorizationUrl()).get("state")));
        assertThat(denied.lineError().error()).isEqualTo("ACCESS_DENIED");
        assertThat(denied.lineError().description()).contains("denied");
    }

    @Test
    void theStoreKeepsOnlyDigestsOfTheLoginIdAndTheState() {
        LoginFlow.Begin b = begin();
        String id = cookieValue(b.setCookie());
        String state = query(b.authorizationUrl()).get("state");
        assertThat(store.pendingLogins().usePendingLogin(id, Digests.sha256(state), clock.instant()).refusal())
                .as("the clear login id is no key").isEqualTo(io.linegate.store.PendingLogins.Use.Refusal.NO_SUCH_LOGIN);
        assertThat(store.pendingLogins().usePendingLogin(Digests.sha256(id), state, clock.instant()).refusal())
                .as("the clear state does not match").isEqualTo(io.linegate.store.PendingLogins.Use.Refusal.STATE_MISMATCH);
        assertThat(flow.callback(id, Map.of("code", "c", "state", state)).authorized()).isNotNull();
    }

    @Test
    void theCookieThatEndsTheLoginExpiresItAtOnce() {
        assertThat(LoginFlow.clearCookie()).startsWith(LoginFlow.COOKIE + "=;").contains("Max-Age=0").contains("Path=/")
                .contains("HttpOnly").contains("Secure");
    }
}
