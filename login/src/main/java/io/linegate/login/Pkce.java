package io.linegate.login;

import io.linegate.store.Digests;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * PKCE (RFC 7636) as LINE Login takes it: a {@code code_verifier} of 43 to 128 unreserved characters,
 * and {@code code_challenge = BASE64URL(SHA256(verifier))} without padding, method {@code S256}.
 */
public final class Pkce {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Pkce() {}

    /** A fresh verifier: 32 random bytes, base64url without padding (43 characters). */
    public static String newVerifier() {
        return randomToken(32);
    }

    public static String challenge(String verifier) {
        if (verifier == null || !verifier.matches("[A-Za-z0-9\\-._~]{43,128}")) {
            throw new IllegalArgumentException("code_verifier must be 43 to 128 characters of [A-Za-z0-9-._~]");
        }
        return Digests.sha256(verifier); // the verifier is ASCII, so its UTF-8 bytes are its ASCII bytes
    }

    /** A URL-safe token of {@code bytes} bytes from a {@link SecureRandom}: base64url without padding, for states, nonces and session ids. */
    public static String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
