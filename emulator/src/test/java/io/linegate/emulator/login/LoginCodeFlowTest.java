package io.linegate.emulator.login;

import static io.linegate.emulator.login.LoginTestSupport.enc;
import static io.linegate.emulator.login.LoginTestSupport.query;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.linegate.emulator.Emulator;
import io.linegate.emulator.LoginChannelInfo;
import io.linegate.emulator.login.LoginTestSupport.Browser;
import io.linegate.emulator.login.LoginTestSupport.Res;
import io.linegate.emulator.MutableClock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The authorization code flow with PKCE through the HTML pages, and the token endpoint's refusals (LINE Login docs, "Integrating LINE Login with your web app"; LINE Login v2.1 API reference; LINE Login docs, "Verify ID token"). */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LoginCodeFlowTest {
    static final String CALLBACK = "http://127.0.0.1:9/callback";
    static final String VERIFIER = "wJKN8qz5t8SSI9lMFhBB6qwNkQBkuPZoCxzRhwLRUo1"; // the docs' test vector (§5.5)
    static final String CHALLENGE = "BSCQwo_m8Wf0fpjmwkIKmPAJ1A7tiuRSNDnXzODS7QI";

    MutableClock clock;
    Emulator emulator;
    LoginChannelInfo ch;
    Browser browser;
    String alice;

    @BeforeEach
    void start() {
        clock = MutableClock.now();
        emulator = Emulator.builder().clock(clock).loginCallbackUrl(CALLBACK).build().start();
        ch = emulator.defaultLoginChannel();
        browser = new Browser(emulator.baseUrl());
        alice = browser.postJson("/control/v1/users", "{\"displayName\":\"Alice\",\"pictureUrl\":\"https://example.com/a.png\"}", null)
                .json().path("userId").asText();
        assertThat(browser.put("/control/v1/login/users/" + alice + "/credentials",
                "{\"email\":\"alice@example.com\",\"password\":\"s3cret-pw\"}").status()).isEqualTo(200);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    /** An authorization URL with PKCE (the tests' exchanges send {@link #VERIFIER}), unless {@code extra} sets its own challenge. */
    String authorizeUrl(String extra) {
        String pkce = extra.contains("code_challenge") ? "" : "&code_challenge=" + CHALLENGE + "&code_challenge_method=S256";
        return "/oauth2/v2.1/authorize?response_type=code&client_id=" + ch.channelId() + "&redirect_uri=" + enc(CALLBACK)
                + "&state=st4te-123&scope=profile%20openid%20email&nonce=n0nce-xyz" + pkce + extra;
    }

    /** Logs in and allows; returns the redirect to the callback. */
    Res loginAndAllow(String extra) {
        Res login = browser.get(authorizeUrl(extra));
        assertThat(login.status()).isEqualTo(200);
        Res afterLogin = browser.logIn(login, "alice@example.com", "s3cret-pw");
        assertThat(afterLogin.status()).isEqualTo(303);
        assertThat(afterLogin.header("set-cookie")).startsWith("SSO=");
        Res consent = browser.get(afterLogin.location());
        assertThat(consent.hasId("allow")).as(consent.body()).isTrue();
        assertThat(consent.hasId("deny")).isTrue();
        assertThat(consent.body()).contains("data-scope=\"profile\"", "data-scope=\"openid\"", "data-scope=\"email\"");
        return browser.post(consent.formAction("consent-form"), Map.of("flow", consent.hidden("flow"), "action", "allow"));
    }

    Res exchange(String code, String redirectUri, String verifier, String secret) {
        return browser.post("/oauth2/v2.1/token", Map.of("grant_type", "authorization_code", "code", code,
                "redirect_uri", redirectUri, "client_id", ch.channelId(), "client_secret", secret, "code_verifier", verifier));
    }

    static String code(Res callback) {
        assertThat(callback.status()).as(callback.body()).isEqualTo(302);
        assertThat(callback.location()).startsWith(CALLBACK + "?");
        return query(callback.location()).get("code");
    }

    @Test
    void codeFlowWithPkceGivesAnHs256IdTokenAndTheSecondLoginIsSilent() throws Exception {
        Res callback = loginAndAllow("&code_challenge=" + CHALLENGE + "&code_challenge_method=S256&max_age=600");
        Map<String, String> q = query(callback.location());
        assertThat(q).containsEntry("state", "st4te-123").doesNotContainKey("friendship_status_changed");
        Res token = exchange(q.get("code"), CALLBACK, VERIFIER, ch.channelSecret());
        assertThat(token.status()).as(token.body()).isEqualTo(200);
        assertThat(token.header("x-line-request-id")).isNotBlank();
        JsonNode t = token.json();
        assertThat(t.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(t.path("expires_in").asLong()).isEqualTo(2_592_000L);
        assertThat(t.path("scope").asText()).isEqualTo("profile openid"); // never email (§5.3)
        assertThat(t.path("refresh_token").asText()).isNotBlank();

        SignedJWT idToken = SignedJWT.parse(t.path("id_token").asText());
        assertThat(idToken.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
        assertThat(idToken.verify(new MACVerifier(ch.channelSecret().getBytes()))).isTrue();
        JWTClaimsSet c = idToken.getJWTClaimsSet();
        assertThat(c.getIssuer()).isEqualTo("https://access.line.me");
        assertThat(c.getSubject()).isEqualTo(alice);
        assertThat(c.getAudience()).containsExactly(ch.channelId());
        assertThat(c.getStringClaim("nonce")).isEqualTo("n0nce-xyz");
        assertThat(c.getStringListClaim("amr")).containsExactly("pwd");
        assertThat(c.getStringClaim("name")).isEqualTo("Alice");
        assertThat(c.getStringClaim("picture")).isEqualTo("https://example.com/a.png");
        assertThat(c.getStringClaim("email")).isEqualTo("alice@example.com");
        assertThat(c.getLongClaim("auth_time")).isEqualTo(clock.instant().getEpochSecond());
        assertThat(c.getExpirationTime()).isAfter(c.getIssueTime());

        // The same browser: the SSO session and the remembered consent skip both screens.
        Res again = browser.get(authorizeUrl(""));
        assertThat(code(again)).isNotBlank().isNotEqualTo(q.get("code"));
        // Unless the request forces them.
        assertThat(browser.get(authorizeUrl("&prompt=login")).hasId("login")).isTrue();
        assertThat(browser.get(authorizeUrl("&prompt=consent")).hasId("allow")).isTrue();
        assertThat(browser.get(authorizeUrl("&disable_auto_login=true")).hasId("password")).isTrue();
    }

    @Test
    void aCodeIsSingleUseEvenWhenTheExchangeFails() {
        String code = code(loginAndAllow(""));
        Res wrongSecret = exchange(code, CALLBACK, VERIFIER, "0".repeat(32));
        assertThat(wrongSecret.status()).isEqualTo(401);
        assertThat(wrongSecret.json().path("error").asText()).isEqualTo("invalid_client");
        Res reuse = exchange(code, CALLBACK, VERIFIER, ch.channelSecret());
        assertThat(reuse.status()).isEqualTo(400);
        assertThat(reuse.json().path("error").asText()).isEqualTo("invalid_grant");

        String second = code(browser.get(authorizeUrl("")));
        assertThat(exchange(second, CALLBACK, VERIFIER, ch.channelSecret()).status()).isEqualTo(200);
        assertThat(exchange(second, CALLBACK, VERIFIER, ch.channelSecret()).json().path("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void aCodeExpiresAfterTenMinutes() {
        String code = code(loginAndAllow(""));
        clock.advance(Duration.ofMinutes(10));
        Res r = exchange(code, CALLBACK, VERIFIER, ch.channelSecret());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void redirectUriMustEqualTheAuthorizationRequests() {
        browser.put("/control/v1/login/channels/" + ch.channelId(), "{\"addCallbackUrls\":[\"http://127.0.0.1:9/other\"]}");
        String code = code(loginAndAllow(""));
        Res r = exchange(code, "http://127.0.0.1:9/other", VERIFIER, ch.channelSecret());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").asText()).isEqualTo("invalid_grant");
        assertThat(r.json().path("error_description").asText()).contains("redirect_uri");
    }

    @Test
    void aWrongPkceVerifierIsRefused() {
        String code = code(loginAndAllow("&code_challenge=" + CHALLENGE + "&code_challenge_method=S256"));
        Res r = exchange(code, CALLBACK, "x".repeat(43), ch.channelSecret());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").asText()).isEqualTo("invalid_grant");
        assertThat(browser.get(authorizeUrl("&code_challenge=" + CHALLENGE + "&code_challenge_method=plain")).location())
                .contains("error=INVALID_REQUEST");
    }

    @Test
    void stateIsEchoedAsGivenAndAddedQueryParametersAreKept() {
        browser.put("/control/v1/login/channels/" + ch.channelId(), "{\"addCallbackUrls\":[\"http://127.0.0.1:9/cb?site=a\"]}");
        Res login = browser.get("/oauth2/v2.1/authorize?response_type=code&client_id=" + ch.channelId()
                + "&redirect_uri=" + enc("http://127.0.0.1:9/cb?site=a&lang=ja") + "&state=Ab0-_.~x&scope=profile");
        Res consent = browser.get(browser.logIn(login, "alice@example.com", "s3cret-pw").location());
        Res callback = browser.post(consent.formAction("consent-form"), Map.of("flow", consent.hidden("flow"), "action", "allow"));
        assertThat(callback.location()).startsWith("http://127.0.0.1:9/cb?site=a&lang=ja&code=").endsWith("&state=Ab0-_.~x");
    }

    @Test
    void errorsRedirectToTheCallbackWithState() {
        Res login = browser.get(authorizeUrl(""));
        Res consent = browser.get(browser.logIn(login, "alice@example.com", "s3cret-pw").location());
        Res denied = browser.post(consent.formAction("consent-form"), Map.of("flow", consent.hidden("flow"), "action", "deny"));
        assertThat(denied.status()).isEqualTo(302);
        assertThat(query(denied.location())).containsEntry("error", "ACCESS_DENIED")
                .containsEntry("error_description", "The resource owner denied the request.").containsEntry("state", "st4te-123");

        String base = "/oauth2/v2.1/authorize?client_id=" + ch.channelId() + "&redirect_uri=" + enc(CALLBACK) + "&state=s1";
        assertThat(query(browser.get(base + "&response_type=token&scope=profile").location()))
                .containsEntry("error", "UNSUPPORTED_RESPONSE_TYPE").containsEntry("state", "s1");
        for (String scope : new String[] {"email", "profile%20email", "", "profile%20chat", "openid%20email%20friends"}) {
            assertThat(query(browser.get(base + "&response_type=code&scope=" + scope).location()))
                    .as(scope).containsEntry("error", "INVALID_SCOPE");
        }
        assertThat(query(new Browser(emulator.baseUrl()).get(base + "&response_type=code&scope=openid&prompt=none").location()))
                .containsEntry("error", "LOGIN_REQUIRED");
    }

    @Test
    void anInvalidClientOrRedirectUriIsNeverRedirected() {
        Res badRedirect = browser.get("/oauth2/v2.1/authorize?response_type=code&client_id=" + ch.channelId()
                + "&redirect_uri=" + enc("https://evil.example/callback") + "&state=s&scope=profile");
        assertThat(badRedirect.status()).isEqualTo(400);
        assertThat(badRedirect.location()).isNull();
        assertThat(badRedirect.hasId("error-message")).isTrue();
        Res prefixOnly = browser.get("/oauth2/v2.1/authorize?response_type=code&client_id=" + ch.channelId()
                + "&redirect_uri=" + enc(CALLBACK + "/deeper") + "&state=s&scope=profile");
        assertThat(prefixOnly.status()).isEqualTo(400);
        Res badClient = browser.get("/oauth2/v2.1/authorize?response_type=token&client_id=123&redirect_uri=" + enc(CALLBACK));
        assertThat(badClient.status()).isEqualTo(400);
        assertThat(badClient.location()).isNull();
        assertThat(badClient.header("x-line-request-id")).isNotBlank();
    }

    @Test
    void aWrongPasswordShowsTheLoginPageAgain() {
        Res login = browser.get(authorizeUrl(""));
        Res again = browser.logIn(login, "alice@example.com", "wrong");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.location()).isNull();
        assertThat(again.hasId("error")).isTrue();
        assertThat(again.hasId("login")).isTrue();
        // The user's default credentials stop working once they have their own.
        assertThat(browser.logIn(again, alice + "@emulator.local", "password").hasId("error")).isTrue();
        assertThat(browser.logIn(again, "alice@example.com", "s3cret-pw").status()).isEqualTo(303);
    }

    @Test
    void aUserWithoutCredentialsUsesTheDefaultOnes() {
        String bob = browser.postJson("/control/v1/users", "{\"displayName\":\"Bob\"}", null).json().path("userId").asText();
        Res login = browser.get(authorizeUrl(""));
        assertThat(browser.logIn(login, bob + "@emulator.local", "password").status()).isEqualTo(303);
    }

    @Test
    void aDevelopingChannelLetsOnlyAdminsAndTestersLogIn() {
        browser.put("/control/v1/login/channels/" + ch.channelId(), "{\"status\":\"developing\"}");
        Res refused = browser.get(browser.logIn(browser.get(authorizeUrl("")), "alice@example.com", "s3cret-pw").location());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.hasId("error-title")).isTrue();
        assertThat(refused.location()).isNull();

        browser.put("/control/v1/login/channels/" + ch.channelId(), "{\"testers\":[\"" + alice + "\"]}");
        assertThat(browser.get(authorizeUrl("")).hasId("allow")).isTrue();
    }
}
