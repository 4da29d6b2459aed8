package io.linegate.login;

import io.linegate.core.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The CSRF tokens that guard starting and confirming a link: an HMAC-SHA256 of the site's session
 * id under a server-side key, so a token is valid for one session only, needs no storage, and is
 * checked in constant time. A page on another origin cannot read the token (it never sees the
 * session cookie or the page), so it cannot start a link in the member's name.
 *
 * <p>Every process of a site must share the key ({@link #withKey}); {@link #random()} suits a site of
 * one process (tokens then end with it). The same key seals the module's link confirmations.
 */
public final class CsrfTokens {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final byte[] key;

    private CsrfTokens(byte[] key) {
        this.key = key;
    }

    /** A fresh random key, for a site of one process. */
    public static CsrfTokens random() {
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        return new CsrfTokens(k);
    }

    /** A key shared by the site's processes: at least 32 bytes. */
    public static CsrfTokens withKey(Secret key) {
        byte[] k = key.bytes();
        if (k.length < 32) {
            throw new IllegalArgumentException("the CSRF key needs at least 32 bytes, has " + k.length);
        }
        return new CsrfTokens(k);
    }

    /** The token to put in the forms of the session {@code siteSessionId}. */
    public String issue(String siteSessionId) {
        if (siteSessionId == null || siteSessionId.isEmpty()) {
            throw new IllegalArgumentException("a CSRF token is bound to a session: the session id is required");
        }
        return seal("csrf", siteSessionId);
    }

    /** Whether {@code presented} is this session's token (constant time). */
    public boolean matches(String siteSessionId, String presented) {
        return siteSessionId != null && !siteSessionId.isEmpty() && presented != null
                && equal(seal("csrf", siteSessionId), presented);
    }

    /** An HMAC of {@code purpose} and {@code parts}, unambiguous whatever the parts contain. */
    String seal(String purpose, String... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            update(mac, purpose);
            for (String p : parts) {
                update(mac, p == null ? "" : p);
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void update(Mac mac, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        mac.update(new byte[] {(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length});
        mac.update(b);
    }

    static boolean equal(String expected, String presented) {
        return presented != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "CsrfTokens[key redacted]";
    }
}
