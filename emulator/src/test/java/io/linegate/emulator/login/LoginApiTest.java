package io.linegate.emulator.login;

import static io.linegate.emulator.login.LoginTestSupport.enc;
import static io.linegate.emulator.login.LoginTestSupport.query;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.linegate.emulator.Emulator;
import io.linegate.emulator.LoginChannelInfo;
import io.linegate.emulator.login.LoginTestSupport.Browser;
import io.linegate.emulator.login.LoginTestSupport.Res;
import io.linegate.emulator.MutableClock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Login API around the tokens (LINE Login v2.1 API reference): refresh, verify, revoke, userinfo, profile, friendship, deauthorize, discovery. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LoginApiTest {
    static final String CALLBACK = "http://127.0.0.1:9/callback";
    MutableClock clock;
    Emulator emulator;
    LoginChannelInfo ch;
    Browser b;
    String dave;
    JsonNode tokens;

    @BeforeEach
    void start() {
        clock = MutableClock.now();
        emulator = Emulator.builder().clock(clock).loginCallbackUrl(CALLBACK).build().start();
        ch = emulator.defaultLoginChannel();
        b = new Browser(emulator.baseUrl());
        dave = b.postJson("/control/v1/users", "{\"displayName\":\"Dave\",\"statusMessage\":\"hi\"}", null).json().path("userId").asText();
        tokens = login("profile%20openid", "n-123");
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    JsonNode login(String scope, String nonce) {
        Res page = b.get("/oauth2/v2.1/authorize?response_type=code&client_id=" + ch.channelId() + "&redirect_uri=" + enc(CALLBACK)
                + "&state=s&scope=" + scope + "&nonce=" + nonce);
        if (page.hasId("login")) {
            page = b.get(b.logIn(page, dave + "@emulator.local", "password").location());
        }
        if (page.hasId("allow")) {
            page = b.post(page.formAction("consent-form"), Map.of("flow", page.hidden("flow"), "action", "allow"));
        }
        String code = query(page.location()).get("code");
        Res t = b.post("/oauth2/v2.1/token", Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", CALLBACK,
                "client_id", ch.channelId(), "client_secret", ch.channelSecret()));
        assertThat(t.status()).as(t.body()).isEqualTo(200);
        return t.json();
    }

    Res verify(String accessToken) {
        return b.get("/oauth2/v2.1/verify?access_token=" + enc(accessToken));
    }

    @Test
    void refreshReturnsTheSameRefreshTokenAndDoesNotExtendIt() {
        String refresh = tokens.path("refresh_token").asText();
        clock.advance(Duration.ofDays(60));
        Res r = b.post("/oauth2/v2.1/token", Map.of("grant_type", "refresh_token", "refresh_token", refresh,
                "client_id", ch.channelId(), "client_secret", ch.channelSecret()));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("refresh_token").asText()).isEqualTo(refresh);
        assertThat(r.json().path("expires_in").asLong()).isEqualTo(2_592_000L);
        assertThat(r.json().path("scope").asText()).isEqualTo("profile openid");
        String fresh = r.json().path("access_token").asText();
        assertThat(fresh).isNotEqualTo(tokens.path("access_token").asText());
        assertThat(verify(fresh).json().path("client_id").asText()).isEqualTo(ch.channelId());

        // Web-app-only channels need the secret to refresh (§5.3).
        Res noSecret = b.post("/oauth2/v2.1/token", Map.of("grant_type", "refresh_token", "refresh_token", refresh, "client_id", ch.channelId()));
        assertThat(noSecret.status()).isEqualTo(401);

        clock.advance(Duration.ofDays(30)); // 90 days after the first access token
        Res expired = b.post("/oauth2/v2.1/token", Map.of("grant_type", "refresh_token", "refresh_token", refresh,
                "client_id", ch.channelId(), "client_secret", ch.channelSecret()));
        assertThat(expired.status()).isEqualTo(400);
        assertThat(expired.json().path("error").asText()).isEqualTo("invalid_grant");
        assertThat(expired.json().path("error_description").asText()).isEqualTo("invalid refresh token");
    }

    @Test
    void verifyAndRevokeAccessTokens() {
        String at = tokens.path("access_token").asText();
        Res v = verify(at);
        assertThat(v.status()).isEqualTo(200);
        assertThat(v.header("x-line-request-id")).isNotBlank();
        assertThat(v.json().path("scope").asText()).isEqualTo("profile openid");
        assertThat(v.json().path("client_id").asText()).isEqualTo(ch.channelId());
        assertThat(v.json().path("expires_in").asLong()).isEqualTo(2_592_000L);
        assertThat(verify("not-a-jws").json().path("error_description").asText()).isEqualTo("The access token not JWS");

        Res revoke = b.post("/oauth2/v2.1/revoke", Map.of("access_token", at, "client_id", ch.channelId(), "client_secret", ch.channelSecret()));
        assertThat(revoke.status()).isEqualTo(200);
        assertThat(revoke.body()).isEmpty();
        assertThat(verify(at).json().path("error_description").asText()).isEqualTo("The access token revoked");
        assertThat(b.getWithBearer("/v2/profile", at).status()).isEqualTo(401);

        String other = login("profile", "n-2").path("access_token").asText();
        clock.advance(Duration.ofDays(30));
        Res expired = verify(other);
        assertThat(expired.status()).isEqualTo(400);
        assertThat(expired.json().path("error_description").asText()).isEqualTo("The access token expired");
    }

    @Test
    void userinfoProfileAndFriendship() {
        String at = tokens.path("access_token").asText();
        Res ui = b.getWithBearer("/oauth2/v2.1/userinfo", at);
        assertThat(ui.json().path("sub").asText()).isEqualTo(dave);
        assertThat(ui.json().path("name").asText()).isEqualTo("Dave");
        assertThat(b.post("/oauth2/v2.1/userinfo", Map.of()).status()).isEqualTo(401);
        Res p = b.getWithBearer("/v2/profile", at);
        assertThat(p.json().path("userId").asText()).isEqualTo(dave);
        assertThat(p.json().path("displayName").asText()).isEqualTo("Dave");
        assertThat(p.json().path("statusMessage").asText()).isEqualTo("hi");
        assertThat(b.getWithBearer("/friendship/v1/status", at).json().path("friendFlag").asBoolean()).isFalse();
        b.postJson("/control/v1/users/" + dave + "/follow", "{}", null);
        assertThat(b.getWithBearer("/friendship/v1/status", at).json().path("friendFlag").asBoolean()).isTrue();

        String openidOnly = login("openid", "n-3").path("access_token").asText();
        assertThat(b.getWithBearer("/v2/profile", openidOnly).status()).isEqualTo(403);
        assertThat(b.getWithBearer("/oauth2/v2.1/userinfo", openidOnly).json().has("name")).isFalse();
    }

    @Test
    void deauthorizeWithTheLoginChannelsStatelessToken() {
        String at = tokens.path("access_token").asText();
        Res stateless = b.post("/oauth2/v3/token", Map.of("grant_type", "client_credentials", "client_id", ch.channelId(),
                "client_secret", ch.channelSecret()));
        assertThat(stateless.status()).as(stateless.body()).isEqualTo(200);
        String channelToken = stateless.json().path("access_token").asText();
        // A Login channel has no bot: its channel token does not open the Messaging API.
        assertThat(b.getWithBearer("/v2/bot/info", channelToken).status()).isEqualTo(401);
        // The Messaging API channel's long-lived token is not accepted (§4.1: v2.1 or stateless only).
        assertThat(b.postJson("/user/v1/deauthorize", "{\"userAccessToken\":\"" + at + "\"}", emulator.defaultChannel().accessToken())
                .status()).isEqualTo(401);

        Res d = b.postJson("/user/v1/deauthorize", "{\"userAccessToken\":\"" + at + "\"}", channelToken);
        assertThat(d.status()).isEqualTo(204);
        assertThat(verify(at).json().path("error_description").asText()).isEqualTo("The access token revoked");
        Res again = b.postJson("/user/v1/deauthorize", "{\"userAccessToken\":\"" + at + "\"}", channelToken);
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.json().path("message").asText()).isEqualTo("invalid token");
        Res refresh = b.post("/oauth2/v2.1/token", Map.of("grant_type", "refresh_token", "refresh_token",
                tokens.path("refresh_token").asText(), "client_id", ch.channelId(), "client_secret", ch.channelSecret()));
        assertThat(refresh.status()).isEqualTo(400);
        // The consent is withdrawn: the next login asks again.
        Res next = b.get("/oauth2/v2.1/authorize?response_type=code&client_id=" + ch.channelId() + "&redirect_uri=" + enc(CALLBACK)
                + "&state=s&scope=profile");
        assertThat(next.hasId("allow")).isTrue();
    }

    @Test
    void deauthorizeWithTheLoginChannelsV21Token() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).generate();
        String kid = emulator.registerAssertionKey(ch.channelId(), key.toPublicJWK());
        SignedJWT assertion = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(),
                new JWTClaimsSet.Builder().issuer(ch.channelId()).subject(ch.channelId()).audience("https://api.line.me/")
                        .expirationTime(Date.from(clock.instant().plusSeconds(600))).claim("token_exp", 3600).build());
        assertion.sign(new RSASSASigner(key));
        Res v21 = b.post("/oauth2/v2.1/token", Map.of("grant_type", "client_credentials", "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion", assertion.serialize()));
        assertThat(v21.status()).as(v21.body()).isEqualTo(200);
        Res d = b.postJson("/user/v1/deauthorize", "{\"userAccessToken\":\"" + tokens.path("access_token").asText() + "\"}",
                v21.json().path("access_token").asText());
        assertThat(d.status()).isEqualTo(204);
    }

    @Test
    void idTokenVerificationAnswersWithThePlatformsDescriptions() throws Exception {
        String idToken = tokens.path("id_token").asText();
        Res ok = verifyId(idToken, ch.channelId(), "n-123", dave);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().path("sub").asText()).isEqualTo(dave);
        assertThat(ok.json().path("aud").asText()).isEqualTo(ch.channelId());
        assertThat(ok.json().path("nonce").asText()).isEqualTo("n-123");
        assertThat(error(verifyId(idToken, "1234567890", null, null))).isEqualTo("Invalid IdToken Audience.");
        assertThat(error(verifyId(idToken, ch.channelId(), "other", null))).isEqualTo("Invalid IdToken Nonce.");
        assertThat(error(verifyId(idToken, ch.channelId(), null, "U" + "0".repeat(32)))).isEqualTo("Invalid IdToken Subject Identifier.");
        assertThat(error(verifyId(idToken.substring(0, idToken.length() - 4) + "AAAA", ch.channelId(), null, null))).isEqualTo("Invalid IdToken.");
        assertThat(error(verifyId("garbage", ch.channelId(), null, null))).isEqualTo("Invalid IdToken.");
        SignedJWT forged = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().issuer("https://evil.example")
                .subject(dave).audience(ch.channelId()).expirationTime(Date.from(clock.instant().plusSeconds(60))).build());
        forged.sign(new MACSigner(ch.channelSecret().getBytes()));
        assertThat(error(verifyId(forged.serialize(), ch.channelId(), null, null))).isEqualTo("Invalid IdToken Issuer.");
        clock.advance(Duration.ofHours(2));
        assertThat(error(verifyId(idToken, ch.channelId(), null, null))).isEqualTo("IdToken expired.");
    }

    /** The status of a request sent byte for byte (java.net.http refuses malformed URLs). */
    int rawStatus(String requestLine, String form) throws IOException {
        try (Socket s = new Socket("127.0.0.1", emulator.port())) {
            s.setSoTimeout(5000);
            byte[] body = form.getBytes(StandardCharsets.US_ASCII);
            s.getOutputStream().write((requestLine + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(body);
            String status = new BufferedReader(new InputStreamReader(s.getInputStream())).readLine();
            return Integer.parseInt(status.split(" ")[1]);
        }
    }

    Res verifyId(String idToken, String clientId, String nonce, String userId) {
        Map<String, String> f = new HashMap<>(Map.of("id_token", idToken, "client_id", clientId));
        if (nonce != null) {
            f.put("nonce", nonce);
        }
        if (userId != null) {
            f.put("user_id", userId);
        }
        return b.post("/oauth2/v2.1/verify", f);
    }

    static String error(Res r) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().path("error").asText()).isEqualTo("invalid_request");
        return r.json().path("error_description").asText();
    }

    @Test
    void certsAndOpenIdConfiguration() throws Exception {
        Res certs = b.get("/oauth2/v2.1/certs");
        JWKSet set = JWKSet.parse(certs.body());
        assertThat(set.getKeys()).hasSize(1);
        ECKey key = (ECKey) set.getKeys().get(0);
        assertThat(key.getKeyID()).isNotBlank();
        assertThat(key.isPrivate()).isFalse();
        assertThat(certs.body()).doesNotContain("\"d\"");

        JsonNode c = b.get("/.well-known/openid-configuration").json();
        assertThat(c.path("issuer").asText()).isEqualTo("https://access.line.me");
        assertThat(c.path("authorization_endpoint").asText()).isEqualTo(emulator.baseUrl() + "/oauth2/v2.1/authorize");
        assertThat(c.path("token_endpoint").asText()).isEqualTo(emulator.baseUrl() + "/oauth2/v2.1/token");
        assertThat(c.path("jwks_uri").asText()).isEqualTo(emulator.baseUrl() + "/oauth2/v2.1/certs");
        assertThat(c.path("id_token_signing_alg_values_supported").toString()).isEqualTo("[\"ES256\",\"HS256\"]");
        assertThat(b.get(c.path("userinfo_endpoint").asText()).status()).isEqualTo(401);
    }

    @Test
    void badInputIsNeverA500() throws Exception {
        assertThat(b.post("/oauth2/v2.1/token", Map.of("grant_type", "authorization_code")).status()).isEqualTo(401);
        assertThat(b.post("/oauth2/v2.1/token", Map.of("grant_type", "authorization_code", "client_id", ch.channelId(),
                "client_secret", ch.channelSecret())).status()).isEqualTo(400);
        assertThat(b.post("/oauth2/v2.1/verify", Map.of()).status()).isEqualTo(400);
        assertThat(b.postJson("/user/v1/deauthorize", "[", "x").status()).isEqualTo(401);
        assertThat(b.get("/oauth2/v2.1/authorize").status()).isEqualTo(400);
        assertThat(b.get("/oauth2/v2.1/authorize/resume?flow=nope").status()).isEqualTo(400);
        assertThat(b.post("/oauth2/v2.1/consent", Map.of("flow", "x")).status()).isEqualTo(400);
        assertThat(b.post("/oauth2/v2.1/login", Map.of()).status()).isEqualTo(400);
        assertThat(b.get("/liff/nope").status()).isEqualTo(404);
        for (String path : new String[] {"/oauth2/v2.1/authorize?client_id=%zz&redirect_uri=%E0%A4%A&state=%",
                "/oauth2/v2.1/authorize?client_id=" + ch.channelId() + "&redirect_uri=" + enc(CALLBACK) + "&state=%25&scope=%zz&response_type=code",
                "/oauth2/v2.1/verify?access_token=%", "/liff/%zz/%", "/liff/" + ch.liffId() + "/a/b/c/d/e/f/g/h/i/j/k",
                "/dialog/bot/accountLink?linkToken=%zz&nonce=%", "/oauth2/v2.1/authorize/resume"}) {
            assertThat(rawStatus("GET " + path, "")).as(path).isLessThan(500);
        }
        assertThat(rawStatus("POST /oauth2/v2.1/token", "grant_type=refresh_token&client_id=%&code=%zz")).isLessThan(500);
        assertThat(rawStatus("POST /oauth2/v2.1/login", "pending=%&email=%zz")).isLessThan(500);
        assertThat(new Browser(emulator.baseUrl()).get("/dialog/bot/accountLink").hasId("login")).isTrue(); // no session yet
        assertThat(b.get("/dialog/bot/accountLink").status()).isEqualTo(400); // logged in, no link token
    }
}
