package io.linegate.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.Server;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.linegate.core.Secret;
import io.linegate.login.IdTokenVerifier.Source;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ID-token attacks issue 5 lists, each refused. LINE's JWKS is served from a loopback Armeria
 * server because the emulator's Login side (which will serve /oauth2/v2.1/certs) is not built yet.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class IdTokenVerifierTest {
    static final String CHANNEL = "1234567890";
    static final Secret SECRET = Secret.of("0123456789abcdef0123456789abcdef", "channel secret");
    static final String USER = "U1234567890abcdef1234567890abcdef";

    static ECKey lineKey;
    static Server certs;
    static final AtomicInteger certFetches = new AtomicInteger();
    IdTokenVerifier verifier;

    @BeforeAll
    static void serveLinesKeys() throws Exception {
        lineKey = new ECKeyGenerator(Curve.P_256).keyID("line-key-1").generate();
        String jwks = new JWKSet(lineKey.toPublicJWK()).toString();
        certs = Server.builder().localPort(0, SessionProtocol.HTTP)
                .service("/oauth2/v2.1/certs", (ctx, req) -> {
                    certFetches.incrementAndGet();
                    return HttpResponse.of(HttpStatus.OK, MediaType.JSON, jwks);
                }).build();
        certs.start().join();
    }

    @AfterAll
    static void stopServing() {
        certs.stop(); // Not joined: the port is ephemeral, and a stop waits about 2 s for Netty's idle boss loop after the last request.
    }

    @BeforeEach
    void newVerifier() {
        certFetches.set(0);
        verifier = new IdTokenVerifier(CHANNEL, SECRET,
                new LineJwks(URI.create("http://127.0.0.1:" + certs.activeLocalPort()), Clock.systemUTC()),
                Clock.systemUTC(), Duration.ofMinutes(1));
    }

    static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer("https://access.line.me").subject(USER).audience(CHANNEL)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600)))
                .claim("nonce", "n-" + System.nanoTime()).claim("amr", List.of("pwd")).claim("name", "Taro");
    }

    static String hs256(JWTClaimsSet claims, byte[] key) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new MACSigner(key));
        return jwt.serialize();
    }

    String es256(JWTClaimsSet claims, ECKey key) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    @Test
    void aWebLoginTokenSignedWithTheChannelSecretIsAccepted() throws Exception {
        JWTClaimsSet c = claims().build();
        IdToken t = verifier.verify(hs256(c, SECRET.bytes()), Source.WEB_LOGIN, (String) c.getClaim("nonce"));
        assertThat(t.subject()).isEqualTo(USER);
        assertThat(t.amr()).containsExactly("pwd");
        assertThat(t.name()).isEqualTo("Taro");
    }

    @Test
    void aLiffTokenSignedWithLinesKeyIsAccepted() throws Exception {
        IdToken t = verifier.verify(es256(claims().build(), lineKey), Source.LIFF_OR_APP, null);
        assertThat(t.subject()).isEqualTo(USER);
    }

    @Test
    void algNoneIsRefused() {
        String unsigned = new PlainJWT(claims().build()).serialize();
        assertThatThrownBy(() -> verifier.verify(unsigned, Source.WEB_LOGIN, null))
                .isInstanceOf(InvalidIdTokenException.class).hasMessageContaining("alg none");
    }

    @Test
    void hs256SignedWithTheEs256PublicKeyIsRefused() throws Exception {
        // The classic confusion: the attacker "signs" with the public key as an HMAC secret.
        byte[] publicKey = lineKey.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        String forged = hs256(claims().build(), publicKey);
        assertThatThrownBy(() -> verifier.verify(forged, Source.LIFF_OR_APP, null))
                .isInstanceOf(InvalidIdTokenException.class).hasMessageContaining("only ES256");
    }

    @Test
    void anotherSecretIsRefused() throws Exception {
        String forged = hs256(claims().build(), "ffffffffffffffffffffffffffffffff".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> verifier.verify(forged, Source.WEB_LOGIN, null)).hasMessageContaining("bad signature");
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        Instant past = Instant.now().minus(Duration.ofHours(2));
        String old = hs256(claims().issueTime(Date.from(past)).expirationTime(Date.from(past.plusSeconds(3600))).build(),
                SECRET.bytes());
        assertThatThrownBy(() -> verifier.verify(old, Source.WEB_LOGIN, null)).hasMessageContaining("expired");
    }

    @Test
    void aTokenIssuedInTheFutureIsRefused() throws Exception {
        Instant later = Instant.now().plus(Duration.ofHours(1));
        String t = hs256(claims().issueTime(Date.from(later)).expirationTime(Date.from(later.plusSeconds(3600))).build(),
                SECRET.bytes());
        assertThatThrownBy(() -> verifier.verify(t, Source.WEB_LOGIN, null)).hasMessageContaining("future");
    }

    @Test
    void aTokenForAnotherChannelIsRefused() throws Exception {
        String t = hs256(claims().audience("9999999999").build(), SECRET.bytes());
        assertThatThrownBy(() -> verifier.verify(t, Source.WEB_LOGIN, null)).hasMessageContaining("audience");
    }

    @Test
    void aTokenFromAnotherIssuerIsRefused() throws Exception {
        String t = hs256(claims().issuer("https://evil.example").build(), SECRET.bytes());
        assertThatThrownBy(() -> verifier.verify(t, Source.WEB_LOGIN, null)).hasMessageContaining("issuer");
    }

    @Test
    void anUnknownKeyIdIsRefusedAfterOneRefresh() throws Exception {
        ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("not-lines").generate();
        String t = es256(claims().build(), stranger);
        assertThatThrownBy(() -> verifier.verify(t, Source.LIFF_OR_APP, null)).hasMessageContaining("unknown key id");
        assertThatThrownBy(() -> verifier.verify(t, Source.LIFF_OR_APP, null)).hasMessageContaining("unknown key id");
        assertThat(certFetches).hasValue(1); // a flood of forged key ids is not a flood of requests to LINE
    }

    @Test
    void aMismatchedNonceIsRefused() throws Exception {
        String t = hs256(claims().claim("nonce", "the-token-s").build(), SECRET.bytes());
        assertThatThrownBy(() -> verifier.verify(t, Source.WEB_LOGIN, "the-login-s")).hasMessageContaining("nonce");
    }

    @Test
    void aReplayedNonceIsRefused() throws Exception {
        JWTClaimsSet c = claims().build();
        String t = hs256(c, SECRET.bytes());
        verifier.verify(t, Source.WEB_LOGIN, (String) c.getClaim("nonce"));
        assertThatThrownBy(() -> verifier.verify(t, Source.WEB_LOGIN, (String) c.getClaim("nonce")))
                .hasMessageContaining("replayed");
    }

    @Test
    void theErrorNeverEchoesTheToken() throws Exception {
        String t = hs256(claims().audience("9999999999").build(), SECRET.bytes());
        assertThatThrownBy(() -> verifier.verify(t, Source.WEB_LOGIN, null))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(t.substring(0, 20)));
    }
}
