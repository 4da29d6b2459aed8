package io.linegate.login;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.linegate.core.Secret;
import java.io.IOException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies LINE ID tokens locally (LINE Login docs, "Verify ID token", OIDC Core "ID Token Validation").
 *
 * <p>The algorithm is fixed by where the token comes from, never taken from the token: web login
 * tokens are HS256 with the channel secret; LIFF and native-app tokens are ES256 with LINE's
 * published keys. So {@code alg: none} and the classic confusion (an HS256 token "signed" with the
 * ES256 public key) are refused. Then: issuer {@code https://access.line.me}, audience = the channel
 * id, not expired and not issued in the future (with a bounded clock skew), the nonce the login
 * started with, and each nonce accepted only once while its token is valid.
 */
public final class IdTokenVerifier {
    public static final String ISSUER = "https://access.line.me";

    /** Where a token comes from, which decides its algorithm. */
    public enum Source {
        /** LINE Login on a website: HS256 with the channel secret. */
        WEB_LOGIN(JWSAlgorithm.HS256),
        /** LIFF apps and native apps (LINE SDK): ES256 with LINE's keys. */
        LIFF_OR_APP(JWSAlgorithm.ES256);

        final JWSAlgorithm algorithm;

        Source(JWSAlgorithm algorithm) {
            this.algorithm = algorithm;
        }
    }

    private final String channelId;
    private final Secret channelSecret;
    private final LineJwks jwks;
    private final Clock clock;
    private final Duration skew;
    private final Map<String, Instant> seenNonces = new ConcurrentHashMap<>();

    /**
     * @param skew how far apart LINE's clock and ours may be (a minute or two is plenty)
     */
    public IdTokenVerifier(String channelId, Secret channelSecret, LineJwks jwks, Clock clock, Duration skew) {
        this.channelId = channelId;
        this.channelSecret = channelSecret;
        this.jwks = jwks;
        this.clock = clock;
        this.skew = skew;
    }

    /**
     * @param expectedNonce the nonce of the login that asked for this token; null only where the flow
     *                      has none (a LIFF token sent by the app)
     */
    public IdToken verify(String idToken, Source source, String expectedNonce) throws InvalidIdTokenException {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(idToken);
        } catch (ParseException | RuntimeException e) {
            throw new InvalidIdTokenException("not a signed JWT (unsigned tokens, alg none, are refused)");
        }
        if (!source.algorithm.equals(jwt.getHeader().getAlgorithm())) {
            throw new InvalidIdTokenException("algorithm " + jwt.getHeader().getAlgorithm() + " is not accepted for "
                    + source + " tokens, only " + source.algorithm);
        }
        if (!verifySignature(jwt, source)) {
            throw new InvalidIdTokenException("bad signature");
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new InvalidIdTokenException("claims are not a JSON object");
        }
        Instant now = clock.instant();
        if (!ISSUER.equals(claims.getIssuer())) {
            throw new InvalidIdTokenException("issuer is not " + ISSUER);
        }
        if (claims.getAudience() == null || !claims.getAudience().contains(channelId)) {
            throw new InvalidIdTokenException("audience is not this channel");
        }
        Instant exp = instant(claims.getExpirationTime());
        Instant iat = instant(claims.getIssueTime());
        if (exp == null || !now.isBefore(exp.plus(skew))) {
            throw new InvalidIdTokenException("expired");
        }
        if (iat == null || iat.isAfter(now.plus(skew))) {
            throw new InvalidIdTokenException("issued in the future");
        }
        String nonce = (String) claims.getClaim("nonce");
        if (expectedNonce != null && !expectedNonce.equals(nonce)) {
            throw new InvalidIdTokenException("nonce does not match the login's");
        }
        if (nonce != null) {
            seenNonces.values().removeIf(until -> until.isBefore(now)); // forget nonces of expired tokens
            if (seenNonces.putIfAbsent(nonce, exp.plus(skew)) != null) {
                throw new InvalidIdTokenException("nonce was already used (replayed token)");
            }
        }
        return new IdToken(claims.getSubject(), channelId, iat, exp, nonce, strings(claims.getClaim("amr")),
                (String) claims.getClaim("name"), (String) claims.getClaim("picture"), (String) claims.getClaim("email"));
    }

    private boolean verifySignature(SignedJWT jwt, Source source) throws InvalidIdTokenException {
        try {
            JWSVerifier verifier;
            if (source == Source.WEB_LOGIN) {
                verifier = new MACVerifier(channelSecret.bytes());
            } else {
                String kid = jwt.getHeader().getKeyID();
                ECKey key = kid == null ? null : jwks.key(kid);
                if (key == null) {
                    throw new InvalidIdTokenException("unknown key id");
                }
                verifier = new ECDSAVerifier(key);
            }
            return jwt.verify(verifier);
        } catch (JOSEException e) {
            throw new InvalidIdTokenException("signature cannot be checked: " + e.getMessage());
        } catch (IOException e) {
            throw new InvalidIdTokenException("LINE's keys are unavailable: " + e.getMessage());
        }
    }

    private static Instant instant(Date d) {
        return d == null ? null : d.toInstant();
    }

    private static List<String> strings(Object o) {
        return o instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }
}
