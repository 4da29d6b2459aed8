package io.linegate.console;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Signed-in browsers: a random session id in an HttpOnly cookie, a random CSRF token the page sends in
 * a header with every change, an idle expiry and an absolute one. Kept in memory (a restart signs
 * everyone out) and bounded: past {@link #MAX_SESSIONS}, the least recently used goes.
 */
final class Sessions {
    static final int MAX_SESSIONS = 100;

    record Session(String id, String csrf, String actor, long createdAt, long[] lastUsed) {
        long lastUsedAt() {
            synchronized (lastUsed) {
                return lastUsed[0];
            }
        }
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Duration idle;
    private final Duration absolute;
    private final LongSupplier millis;

    Sessions(Duration idle, Duration absolute, LongSupplier millis) {
        this.idle = idle;
        this.absolute = absolute;
        this.millis = millis;
    }

    Session open(String actor) {
        long now = millis.getAsLong();
        sessions.values().removeIf(s -> expired(s, now));
        while (sessions.size() >= MAX_SESSIONS) {
            sessions.values().stream().min(Comparator.comparingLong(Session::lastUsedAt))
                    .ifPresent(s -> sessions.remove(s.id()));
        }
        Session s = new Session(token(), token(), actor, now, new long[] {now});
        sessions.put(s.id(), s);
        return s;
    }

    /** The live session the cookie names, its idle time restarted; empty if none or expired. */
    Optional<Session> find(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.empty();
        }
        Session s = sessions.get(id);
        if (s == null) {
            return Optional.empty();
        }
        long now = millis.getAsLong();
        if (expired(s, now)) {
            sessions.remove(id);
            return Optional.empty();
        }
        synchronized (s.lastUsed()) {
            s.lastUsed()[0] = now;
        }
        return Optional.of(s);
    }

    void close(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    Duration idle() {
        return idle;
    }

    private boolean expired(Session s, long now) {
        return now - s.lastUsedAt() > idle.toMillis() || now - s.createdAt() > absolute.toMillis();
    }

    private String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Equal in constant time (a CSRF token compared with what the page sent). */
    static boolean same(String expected, String presented) {
        return presented != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }
}
