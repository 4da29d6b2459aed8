package io.linegate.examples.membersite;

import io.linegate.login.Pkce;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The site's own member sessions, in memory (an example: a real site keeps them in its session
 * store). Each session has a CSRF token that every form posts back; the cookie is HttpOnly and
 * SameSite=Lax, and Secure when the site is served over https.
 */
final class Sessions {
    static final String COOKIE = "member_session";
    private static final Duration IDLE = Duration.ofHours(1);

    record Session(String id, String memberId, String csrf, Instant lastSeen) {
        boolean csrfMatches(String presented) {
            return presented != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
                    presented.getBytes(StandardCharsets.UTF_8));
        }
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Clock clock;
    private final boolean secure;

    Sessions(Clock clock, boolean secure) {
        this.clock = clock;
        this.secure = secure;
    }

    Session start(String memberId) {
        Session s = new Session(Pkce.randomToken(32), memberId, Pkce.randomToken(32), clock.instant());
        sessions.put(s.id(), s);
        return s;
    }

    Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Session s = sessions.computeIfPresent(id, (k, v) -> v.lastSeen().plus(IDLE).isBefore(now) ? null
                : new Session(v.id(), v.memberId(), v.csrf(), now));
        return Optional.ofNullable(s);
    }

    void end(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    String setCookie(Session s) {
        return COOKIE + "=" + s.id() + "; Path=/; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
    }

    String clearCookie() {
        return COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
    }
}
