package io.linegate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The four channel-access-token types with their lifetimes and issuance limits (Messaging API docs, "Channel access token"). */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TokensTest {
    static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    MutableClock clock;
    Emulator emulator;
    Http anon;
    ChannelInfo ch;

    @BeforeEach
    void start() {
        clock = MutableClock.now();
        emulator = Emulator.builder().clock(clock).build().start();
        anon = new Http(emulator.baseUrl(), null);
        ch = emulator.defaultChannel();
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    int botInfoStatus(String token) {
        return new Http(emulator.baseUrl(), token).get("/v2/bot/info").status();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    String shortLived() {
        Http.Res r = anon.form("/v2/oauth/accessToken", "grant_type=client_credentials&client_id=" + ch.channelId()
                + "&client_secret=" + ch.channelSecret());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("expires_in").asLong()).isEqualTo(2_592_000L);
        assertThat(r.json().path("token_type").asText()).isEqualTo("Bearer");
        return r.json().path("access_token").asText();
    }

    @Test
    void longLivedTokenWorksAndCanBeRevoked() {
        assertThat(botInfoStatus(ch.accessToken())).isEqualTo(200);
        Http.Res v = anon.form("/v2/oauth/verify", "access_token=" + enc(ch.accessToken()));
        assertThat(v.json().path("client_id").asText()).isEqualTo(ch.channelId());
        assertThat(anon.form("/v2/oauth/revoke", "access_token=" + enc(ch.accessToken())).status()).isEqualTo(200);
        assertThat(botInfoStatus(ch.accessToken())).isEqualTo(401);
    }

    @Test
    void thirtyFirstShortLivedTokenRevokesTheOldest() {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 31; i++) {
            tokens.add(shortLived());
        }
        assertThat(botInfoStatus(tokens.get(0))).isEqualTo(401);
        assertThat(botInfoStatus(tokens.get(1))).isEqualTo(200);
        assertThat(botInfoStatus(tokens.get(30))).isEqualTo(200);
        clock.advance(Duration.ofDays(30));
        assertThat(botInfoStatus(tokens.get(30))).isEqualTo(401);
        Http.Res bad = anon.form("/v2/oauth/accessToken", "grant_type=client_credentials&client_id=" + ch.channelId() + "&client_secret=wrong");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("error").asText()).isEqualTo("invalid_client");
        assertThat(bad.json().path("error_description").asText()).isEqualTo("invalid client_secret");
    }

    @Test
    void v21TokensByJwtAssertionUpToThirtyThenError() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).generate();
        String kid = emulator.registerAssertionKey(ch.channelId(), key.toPublicJWK());
        List<String> keyIds = new ArrayList<>();
        String first = null;
        for (int i = 0; i < 30; i++) {
            Http.Res r = anon.form("/oauth2/v2.1/token", "grant_type=client_credentials&client_assertion_type=" + enc(ASSERTION_TYPE)
                    + "&client_assertion=" + assertion(key, kid, ch.channelId(), 30 * 60 - 5, 86400));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().path("expires_in").asLong()).isEqualTo(86400);
            keyIds.add(r.json().path("key_id").asText());
            if (first == null) {
                first = r.json().path("access_token").asText();
            }
        }
        Http.Res over = anon.form("/oauth2/v2.1/token", "grant_type=client_credentials&client_assertion_type=" + enc(ASSERTION_TYPE)
                + "&client_assertion=" + assertion(key, kid, ch.channelId(), 600, 86400));
        assertThat(over.status()).isEqualTo(400);
        assertThat(over.json().path("message").asText()).isEqualTo("The maximum number of access tokens has already been issued");

        Http.Res kids = anon.get("/oauth2/v2.1/tokens/kid?client_assertion_type=" + enc(ASSERTION_TYPE)
                + "&client_assertion=" + assertion(key, kid, ch.channelId(), 600, 86400));
        List<String> listed = new ArrayList<>();
        kids.json().path("kids").forEach(k -> listed.add(k.asText()));
        assertThat(listed).containsExactlyInAnyOrderElementsOf(keyIds);

        assertThat(botInfoStatus(first)).isEqualTo(200);
        assertThat(anon.get("/oauth2/v2.1/verify?access_token=" + enc(first)).json().path("client_id").asText()).isEqualTo(ch.channelId());
        assertThat(anon.form("/oauth2/v2.1/revoke", "client_id=" + ch.channelId() + "&client_secret=" + ch.channelSecret()
                + "&access_token=" + enc(first)).status()).isEqualTo(200);
        assertThat(botInfoStatus(first)).isEqualTo(401);
        // A slot is free again.
        assertThat(anon.form("/oauth2/v2.1/token", "grant_type=client_credentials&client_assertion_type=" + enc(ASSERTION_TYPE)
                + "&client_assertion=" + assertion(key, kid, ch.channelId(), 600, 86400)).status()).isEqualTo(200);
    }

    @Test
    void assertionChecks() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).generate();
        String kid = emulator.registerAssertionKey(ch.channelId(), key.toPublicJWK());
        String base = "grant_type=client_credentials&client_assertion_type=" + enc(ASSERTION_TYPE) + "&client_assertion=";
        // exp more than 30 minutes ahead
        Http.Res longExp = anon.form("/oauth2/v2.1/token", base + assertion(key, kid, ch.channelId(), 3600, 86400));
        assertThat(longExp.status()).isEqualTo(400);
        assertThat(longExp.json().path("error_description").asText()).isEqualTo("Invalid exp");
        // unknown kid
        Http.Res unknown = anon.form("/oauth2/v2.1/token", base + assertion(key, "nope", ch.channelId(), 600, 86400));
        assertThat(unknown.status()).isEqualTo(404);
        // iss is another channel
        Http.Res mismatch = anon.form("/oauth2/v2.1/token", base + assertion(key, kid, "1111111111", 600, 86400));
        assertThat(mismatch.json().path("error_description").asText()).isEqualTo("iss and clientId of key do not match");
        // signed by another key
        RSAKey other = new RSAKeyGenerator(2048).generate();
        Http.Res forged = anon.form("/oauth2/v2.1/token", base + assertion(other, kid, ch.channelId(), 600, 86400));
        assertThat(forged.status()).isEqualTo(400);
        // token_exp above 30 days
        Http.Res tooLong = anon.form("/oauth2/v2.1/token", base + assertion(key, kid, ch.channelId(), 600, 2_592_001));
        assertThat(tooLong.status()).isEqualTo(400);
    }

    @Test
    void statelessTokensLastFifteenMinutesAndCannotBeRevoked() {
        Http.Res r = anon.form("/oauth2/v3/token", "grant_type=client_credentials&client_id=" + ch.channelId()
                + "&client_secret=" + ch.channelSecret());
        assertThat(r.json().path("expires_in").asLong()).isEqualTo(900);
        String t = r.json().path("access_token").asText();
        assertThat(botInfoStatus(t)).isEqualTo(200);
        anon.form("/v2/oauth/revoke", "access_token=" + enc(t));
        assertThat(botInfoStatus(t)).isEqualTo(200);
        RSAKey key;
        try {
            key = new RSAKeyGenerator(2048).generate();
        } catch (JOSEException e) {
            throw new AssertionError(e);
        }
        String kid = emulator.registerAssertionKey(ch.channelId(), key.toPublicJWK());
        String byJwt;
        try {
            byJwt = anon.form("/oauth2/v3/token", "grant_type=client_credentials&client_assertion_type=" + enc(ASSERTION_TYPE)
                    + "&client_assertion=" + assertion(key, kid, ch.channelId(), 600, 86400)).json().path("access_token").asText();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(botInfoStatus(byJwt)).isEqualTo(200);
        assertThat(anon.get("/oauth2/v2.1/verify?access_token=" + enc(byJwt)).json().path("expires_in").asLong()).isBetween(890L, 900L);
        clock.advance(Duration.ofMinutes(15));
        assertThat(botInfoStatus(t)).isEqualTo(401);
        JsonNode err = anon.form("/oauth2/v3/token", "grant_type=client_credentials&client_id=" + ch.channelId() + "&client_secret=x").json();
        assertThat(err.path("error").asText()).isEqualTo("invalid_request");
    }

    static String assertion(RSAKey key, String kid, String channelId, long expInSeconds, long tokenExp) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(channelId).subject(channelId).audience("https://api.line.me/")
                .expirationTime(new Date(System.currentTimeMillis() + expInSeconds * 1000))
                .claim("token_exp", tokenExp)
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
