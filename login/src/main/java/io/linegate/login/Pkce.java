package io.linegate.login;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A URL-safe token of {@code bytes} bytes from a {@link SecureRandom}: base64url without padding, for states, nonces and session ids. */
    public static String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
