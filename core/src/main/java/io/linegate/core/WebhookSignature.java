package io.linegate.core;

import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code x-line-signature} of a webhook: Base64(HMAC-SHA256(channel secret, raw body bytes)).
 *
 * <p>Verification works on the raw bytes as received (Messaging API docs, "Verify webhook signature": never re-serialize first) and
 * compares digests in constant time. During a channel-secret rotation a previous secret stays valid
 * until a configured instant, so that webhooks signed while the console change propagates are not
 * rejected.
 */
public final class WebhookSignature {
    /** The header, in the lower case that HTTP/2 requires; lookups must be case-insensitive anyway. */
    public static final String HEADER = "x-line-signature";
    private static final int DIGEST_LENGTH = 32;

    /** Why a request was or was not accepted. */
    public enum Verdict {
        VALID, MISSING, MALFORMED, MISMATCH;

        public boolean isValid() {
            return this == VALID;
        }
    }

    private final Key current;
    private final Key previous; // nullable
    private final Instant previousUntil;
    private final Clock clock;

    private WebhookSignature(Key current, Key previous, Instant previousUntil, Clock clock) {
        this.current = current;
        this.previous = previous;
        this.previousUntil = previousUntil;
        this.clock = clock;
    }

    public static WebhookSignature of(Secret channelSecret) {
        return new WebhookSignature(new Key(channelSecret), null, Instant.MIN, Clock.systemUTC());
    }

    /** Also accepts {@code previousSecret} until {@code until}: the rotation window. */
    public WebhookSignature withPrevious(Secret previousSecret, Instant until) {
        return new WebhookSignature(current, new Key(previousSecret), until, clock);
    }

    public WebhookSignature withClock(Clock clock) {
        return new WebhookSignature(current, previous, previousUntil, clock);
    }

    /** The header value for {@code body}: what the LINE Platform (or the emulator) sends. */
    public static String sign(Secret channelSecret, byte[] body) {
        return Base64.getEncoder().encodeToString(new Key(channelSecret).digest(body));
    }

    public Verdict verify(byte[] body, String header) {
        if (header == null || header.isEmpty()) {
            return Verdict.MISSING;
        }
        byte[] presented;
        try {
            presented = Base64.getDecoder().decode(header.strip());
        } catch (IllegalArgumentException e) {
            return Verdict.MALFORMED;
        }
        if (presented.length != DIGEST_LENGTH) {
            return Verdict.MALFORMED;
        }
        boolean ok = MessageDigest.isEqual(current.digest(body), presented);
        if (previous != null && clock.instant().isBefore(previousUntil)) {
            // Evaluate both so the time taken does not tell which secret matched.
            ok |= MessageDigest.isEqual(previous.digest(body), presented);
        }
        return ok ? Verdict.VALID : Verdict.MISMATCH;
    }

    /** One HMAC key with a Mac per thread: Mac is not thread-safe and costly to look up per request. */
    private static final class Key {
        private final ThreadLocal<Mac> mac;

        Key(Secret secret) {
            SecretKeySpec spec = new SecretKeySpec(secret.bytes(), "HmacSHA256");
            this.mac = ThreadLocal.withInitial(() -> {
                try {
                    Mac m = Mac.getInstance("HmacSHA256");
                    m.init(spec);
                    return m;
                } catch (NoSuchAlgorithmException | InvalidKeyException e) {
                    throw new IllegalStateException("HmacSHA256 is unavailable", e);
                }
            });
        }

        byte[] digest(byte[] body) {
            return mac.get().doFinal(body);
        }
    }
}
