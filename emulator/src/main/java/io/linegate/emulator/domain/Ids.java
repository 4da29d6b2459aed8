package io.linegate.emulator.domain;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Identifier shapes the platform uses (Messaging API reference, "Webhook event objects" and "Send reply message"): numeric message ids, U/C/R + 32 hex, opaque tokens. */
public final class Ids {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final char[] ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final SecureRandom SECURE = new SecureRandom();
    // Message ids are 18-digit decimal strings on the platform; start somewhere plausible and count up.
    private static final AtomicLong MESSAGE = new AtomicLong(500_000_000_000_000_000L + ThreadLocalRandom.current().nextLong(1_000_000_000_000L));

    private Ids() {}

    public static String messageId() {
        return Long.toString(MESSAGE.incrementAndGet());
    }

    /** 32 lowercase hex characters; secure when the value is a credential (secrets, tokens). */
    public static String hex32(boolean secure) {
        byte[] b = new byte[16];
        if (secure) {
            SECURE.nextBytes(b); // one call: SecureRandom is synchronized and costly per call
        } else {
            ThreadLocalRandom.current().nextBytes(b);
        }
        char[] c = new char[32];
        for (int i = 0; i < 16; i++) {
            c[2 * i] = HEX[(b[i] >> 4) & 0xF];
            c[2 * i + 1] = HEX[b[i] & 0xF];
        }
        return new String(c);
    }

    public static String userId() {
        return "U" + hex32(false);
    }

    /**
     * The user id {@code "U" + String.format("%032x", n)} for {@code n >= 0}: the deterministic ids of
     * bulk-created users. Written by hand because String.format costs a microsecond per call.
     */
    public static String userIdOf(long n) {
        byte[] b = new byte[33];
        b[0] = 'U';
        for (int i = 32; i >= 1; i--) {
            b[i] = (byte) HEX[(int) (n & 0xF)];
            n >>>= 4;
        }
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    public static String groupId() {
        return "C" + hex32(false);
    }

    public static String roomId() {
        return "R" + hex32(false);
    }

    /** A random 10-digit channel id (no leading zero). */
    public static String channelId() {
        return Long.toString(1_000_000_000L + ThreadLocalRandom.current().nextLong(9_000_000_000L));
    }

    public static String alnum(int n, boolean secure) {
        byte[] b = new byte[n];
        if (secure) {
            SECURE.nextBytes(b);
        } else {
            ThreadLocalRandom.current().nextBytes(b);
        }
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = ALNUM[(b[i] & 0xFF) % ALNUM.length]; // 256 % 62 bias is irrelevant for opaque test tokens
        }
        return new String(c);
    }

    /** A request id in the UUID shape of the Messaging API's {@code x-line-request-id}. */
    public static String requestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return new UUID((r.nextLong() & ~0xF000L) | 0x4000L, (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L).toString();
    }

    public static boolean isUserId(String s) {
        return s != null && s.length() == 33 && s.charAt(0) == 'U' && isHex(s, 1);
    }

    public static boolean isGroupId(String s) {
        return s != null && s.length() == 33 && s.charAt(0) == 'C' && isHex(s, 1);
    }

    public static boolean isRoomId(String s) {
        return s != null && s.length() == 33 && s.charAt(0) == 'R' && isHex(s, 1);
    }

    private static boolean isHex(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
