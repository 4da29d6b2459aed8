package io.linegate.core;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * ULIDs (https://github.com/ulid/spec): 48-bit millisecond time + 80 random bits, Crockford Base32.
 * LINE uses them for {@code webhookEventId}; linegate uses them wherever an id should sort by time.
 * Monotonic within a millisecond, so ids made by one generator sort in creation order.
 */
public final class Ulid {
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final Pattern SHAPE = Pattern.compile("^[0-7][0-9A-HJKMNP-TV-Z]{25}$");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Object LOCK = new Object();
    private static long lastMillis;
    private static long randHi; // 16 bits
    private static long randLo; // 64 bits

    private Ulid() {}

    public static String next() {
        return next(System.currentTimeMillis());
    }

    public static String next(long millis) {
        long hi;
        long lo;
        synchronized (LOCK) {
            if (millis <= lastMillis) {
                millis = lastMillis;
                randLo++;
                if (randLo == 0) {
                    randHi = (randHi + 1) & 0xFFFF;
                }
            } else {
                lastMillis = millis;
                randHi = RANDOM.nextInt() & 0xFFFF;
                randLo = RANDOM.nextLong();
            }
            hi = randHi;
            lo = randLo;
        }
        char[] out = new char[26];
        long t = millis;
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (t & 31)];
            t >>>= 5;
        }
        // 80 random bits = 16 (hi) + 64 (lo), written as 16 base-32 digits from the least significant end.
        for (int i = 25; i >= 10; i--) {
            out[i] = ALPHABET[(int) (lo & 31)];
            lo = (lo >>> 5) | ((hi & 31) << 59);
            hi >>>= 5;
        }
        return new String(out);
    }

    public static boolean isValid(String s) {
        return s != null && SHAPE.matcher(s).matches();
    }

    /** The millisecond timestamp encoded in a ULID. */
    public static long timestamp(String ulid) {
        if (!isValid(ulid)) {
            throw new IllegalArgumentException("not a ULID");
        }
        long t = 0;
        for (int i = 0; i < 10; i++) {
            t = (t << 5) | indexOf(ulid.charAt(i));
        }
        return t;
    }

    private static int indexOf(char c) {
        for (int i = 0; i < ALPHABET.length; i++) {
            if (ALPHABET[i] == c) {
                return i;
            }
        }
        throw new IllegalArgumentException("not a ULID character: " + c);
    }
}
