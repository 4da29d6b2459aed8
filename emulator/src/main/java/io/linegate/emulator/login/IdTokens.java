package io.linegate.emulator.login;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpStatus;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.linegate.core.Json;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.domain.Ids;
import java.io.IOException;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.function.Function;

/**
 * ID tokens (LINE Login docs, "Verify ID token"): HS256 with the channel secret for web login, ES256 with a key published
 * at {@code /oauth2/v2.1/certs} for LIFF. The ES256 key is generated at start; its kid is in every
 * ES256 header.
 */
public final class IdTokens {
    public static final String ISSUER = "https://access.line.me";
    private final ECKey key;
    private final ECDSASigner es256;
    private final ECDSAVerifier es256Verifier;

    public IdTokens() {
        try {
            key = new ECKeyGenerator(Curve.P_256).keyID(Ids.alnum(22, false)).keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256).generate();
            es256 = new ECDSASigner(key);
            es256Verifier = new ECDSAVerifier(key.toPublicJWK());
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JWKS of {@code /oauth2/v2.1/certs}: the public half only. */
    public JWKSet publicKeys() {
        return new JWKSet(key.toPublicJWK());
    }

    public String hs256(LoginChannel ch, JWTClaimsSet claims) {
        try {
            return sign(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims,
                    new MACSigner(ch.secret().bytes()));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign with the channel secret", e); // checked at start: ≥ 32 bytes
        }
    }

    public String es256(JWTClaimsSet claims) {
        return sign(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).keyID(key.getKeyID()).build(),
                claims, es256);
    }

    private static String sign(JWSHeader h, JWTClaimsSet claims, JWSSigner signer) {
        try {
            SignedJWT jwt = new SignedJWT(h, claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code POST /oauth2/v2.1/verify} (§5.4): the payload, or 400 with the platform's descriptions,
     * checked in the order signature, issuer, expiry, audience, nonce, subject. An HS256 token is
     * checked with the secret of the channel it names as audience (the platform knows every secret),
     * so a token of another channel fails on the audience, not on the signature.
     */
    public ObjectNode verify(String idToken, String clientId, String nonce, String userId, Instant now,
            Function<String, LoginChannel> channels) {
        if (clientId == null || clientId.isBlank()) {
            throw invalid("client_id is required"); // UNCONFIRMED wording: the reference lists no message for it
        }
        SignedJWT jwt;
        JWTClaimsSet c;
        try {
            jwt = SignedJWT.parse(idToken == null ? "" : idToken);
            c = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw invalid("Invalid IdToken.");
        }
        if (!signatureValid(jwt, c, channels)) {
            throw invalid("Invalid IdToken.");
        }
        if (!ISSUER.equals(c.getIssuer())) {
            throw invalid("Invalid IdToken Issuer.");
        }
        Date exp = c.getExpirationTime();
        if (exp == null || !now.isBefore(exp.toInstant())) {
            throw invalid("IdToken expired.");
        }
        if (c.getAudience() == null || !c.getAudience().contains(clientId)) {
            throw invalid("Invalid IdToken Audience.");
        }
        if (nonce != null && !Objects.equals(nonce, claim(c, "nonce"))) {
            throw invalid("Invalid IdToken Nonce.");
        }
        if (userId != null && !userId.equals(c.getSubject())) {
            throw invalid("Invalid IdToken Subject Identifier.");
        }
        try {
            // The payload exactly as signed (aud a string, numbers in seconds), as the platform answers it.
            return (ObjectNode) Json.mapper().readTree(jwt.getPayload().toString());
        } catch (IOException | ClassCastException e) {
            throw invalid("Invalid IdToken.");
        }
    }

    private boolean signatureValid(SignedJWT jwt, JWTClaimsSet c, Function<String, LoginChannel> channels) {
        try {
            JWSVerifier v;
            JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
            if (JWSAlgorithm.ES256.equals(alg)) {
                if (!key.getKeyID().equals(jwt.getHeader().getKeyID())) {
                    return false;
                }
                v = es256Verifier;
            } else if (JWSAlgorithm.HS256.equals(alg)) {
                LoginChannel ch = c.getAudience() == null || c.getAudience().size() != 1 ? null : channels.apply(c.getAudience().get(0));
                if (ch == null) {
                    return false;
                }
                v = new MACVerifier(ch.secret().bytes());
            } else {
                return false;
            }
            return jwt.verify(v);
        } catch (JOSEException e) {
            return false;
        }
    }

    private static String claim(JWTClaimsSet c, String name) {
        Object v = c.getClaim(name);
        return v == null ? null : v.toString();
    }

    private static ApiException invalid(String description) {
        return ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_request", description);
    }
}
