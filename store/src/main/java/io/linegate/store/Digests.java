package io.linegate.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The one digest every caller uses for the secrets the stores keep only a digest of (login ids and
 * states, link tokens, account-link nonces): SHA-256, base64url without padding. These values are
 * 256-bit random tokens, so a plain hash is enough; nothing is ever compared to a low-entropy guess.
 */
public final class Digests {
    private Digests() {}

    public static String sha256(String secret) {
        if (secret == null) {
            throw new IllegalArgumentException("nothing to digest");
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
