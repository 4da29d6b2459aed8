package io.linegate.emulator.login;

import static io.linegate.emulator.login.LoginTestSupport.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.linegate.emulator.Emulator;
import io.linegate.emulator.LoginChannelInfo;
import io.linegate.emulator.login.LoginTestSupport.Browser;
import io.linegate.emulator.login.LoginTestSupport.Res;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** LIFF (LIFF docs, "Using user data in LIFF apps and servers"): ES256 ID tokens verifiable against the certs, 12-hour access tokens, the LIFF browser's redirect. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LoginLiffTest {
    static final String ENDPOINT = "http://127.0.0.1:9/liff/app";
    Emulator emulator;
    LoginChannelInfo ch;
    Browser b;
    String erin;

    @BeforeEach
    void start() {
        emulator = Emulator.builder().liffEndpointUrl(ENDPOINT).build().start();
        ch = emulator.defaultLoginChannel();
        b = new Browser(emulator.baseUrl());
        erin = b.postJson("/control/v1/users", "{\"displayName\":\"Erin\"}", null).json().path("userId").asText();
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void liffSessionTokensVerify() throws Exception {
        assertThat(ch.liffId()).matches(ch.channelId() + "-[A-Za-z0-9]{8}");
        assertThat(ch.toString()).doesNotContain(ch.channelSecret());
        Res s = b.postJson("/control/v1/login/liff/" + ch.liffId() + "/sessions", "{\"userId\":\"" + erin + "\"}", null);
        assertThat(s.status()).as(s.body()).isEqualTo(200);
        assertThat(s.json().path("expiresIn").asLong()).isEqualTo(43_200L);

        SignedJWT idToken = SignedJWT.parse(s.json().path("idToken").asText());
        assertThat(idToken.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        ECKey key = (ECKey) JWKSet.parse(b.get("/oauth2/v2.1/certs").body()).getKeyByKeyId(idToken.getHeader().getKeyID());
        assertThat(key).isNotNull();
        assertThat(idToken.verify(new ECDSAVerifier(key))).isTrue();
        JWTClaimsSet c = idToken.getJWTClaimsSet();
        assertThat(c.getIssuer()).isEqualTo("https://access.line.me");
        assertThat(c.getSubject()).isEqualTo(erin);
        assertThat(c.getAudience()).containsExactly(ch.channelId());
        assertThat(c.getExpirationTime().getTime() - c.getIssueTime().getTime()).isEqualTo(3_600_000L);
        assertThat(c.getStringClaim("name")).isEqualTo("Erin");

        Res verifyId = b.post("/oauth2/v2.1/verify", Map.of("id_token", idToken.serialize(), "client_id", ch.channelId()));
        assertThat(verifyId.json().path("sub").asText()).isEqualTo(erin);

        String at = s.json().path("accessToken").asText();
        JsonNode v = b.get("/oauth2/v2.1/verify?access_token=" + enc(at)).json();
        assertThat(v.path("client_id").asText()).isEqualTo(ch.channelId());
        assertThat(v.path("expires_in").asLong()).isBetween(43_190L, 43_200L);
        assertThat(b.getWithBearer("/v2/profile", at).json().path("userId").asText()).isEqualTo(erin);
    }

    @Test
    void openingTheLiffUrlLogsInThenRedirectsToTheEndpointWithTheTokensInTheFragment() throws Exception {
        Res login = b.get("/liff/" + ch.liffId() + "/orders/42?tab=open");
        assertThat(login.hasId("login")).isTrue();
        Res back = b.logIn(login, erin + "@emulator.local", "password");
        assertThat(back.location()).isEqualTo("/liff/" + ch.liffId() + "/orders/42?tab=open");
        Res open = b.get(back.location());
        assertThat(open.status()).isEqualTo(302);
        URI to = URI.create(open.location());
        assertThat(open.location()).startsWith(ENDPOINT + "/orders/42?tab=open#");
        Map<String, String> fragment = new HashMap<>();
        for (String p : to.getRawFragment().split("&")) {
            String[] kv = p.split("=", 2);
            fragment.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        assertThat(fragment).containsKeys("access_token", "id_token").containsEntry("liff_id", ch.liffId());
        assertThat(SignedJWT.parse(fragment.get("id_token")).getJWTClaimsSet().getSubject()).isEqualTo(erin);
        assertThat(b.get("/oauth2/v2.1/verify?access_token=" + enc(fragment.get("access_token"))).json()
                .path("client_id").asText()).isEqualTo(ch.channelId());

        // liff.login({redirectUri}) is honoured under the endpoint only.
        assertThat(b.get("/liff/" + ch.liffId() + "?liff.redirect=" + enc(ENDPOINT + "/x?y=1")).location()).startsWith(ENDPOINT + "/x?y=1#");
        assertThat(b.get("/liff/" + ch.liffId() + "?liff.redirect=" + enc("https://evil.example/")).location()).startsWith(ENDPOINT + "#");
    }

    @Test
    void theSdkShimAndEndpointRules() {
        Res sdk = b.get("/liff/sdk.js");
        assertThat(sdk.status()).isEqualTo(200);
        assertThat(sdk.header("content-type")).contains("javascript");
        assertThat(sdk.body()).contains("init:", "isLoggedIn:", "getIDToken:", "getAccessToken:", "getDecodedIDToken:", "login:",
                "history.replaceState");
        Res bad = b.put("/control/v1/login/liff/" + ch.liffId(), "{\"endpointUrl\":\"http://example.com/liff\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(b.put("/control/v1/login/liff/" + ch.liffId(), "{\"endpointUrl\":\"https://example.com/liff\"}").status()).isEqualTo(200);
    }

    @Test
    void aLiffAppWithoutEndpointSaysSo() {
        try (Emulator e = Emulator.builder().build().start()) {
            Browser browser = new Browser(e.baseUrl());
            String u = browser.postJson("/control/v1/users", "{}", null).json().path("userId").asText();
            Res login = browser.get("/liff/" + e.defaultLoginChannel().liffId());
            Res open = browser.get(browser.logIn(login, u + "@emulator.local", "password").location());
            assertThat(open.status()).isEqualTo(404);
            assertThat(open.hasId("error-message")).isTrue();
        }
    }
}
