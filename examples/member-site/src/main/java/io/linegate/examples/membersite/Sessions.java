package io.linegate.examples.membersite;

import io.linegate.login.Pkce;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The site's own member sessions, in memory (an example: a real site keeps them in its session
 * store). The cookie is HttpOnly, {@code SameSite=Strict} (no other site can make the browser send
 * it: a cross-site form post or navigation arrives without a session) and Secure when the site is
 * served over https. Signing in, with the form or with LINE, always starts a new session and ends the
 * one the browser had, so a session id planted before sign-in is worth nothing after it, and a session
 * left behind by a sign-in as someone else is over.
 */
final class Sessions {
    static final String COOKIE = "member_session";
    /** The sign-in form's own anti-forgery id, before there is a session (see {@link MemberSite}). */
    static final String SIGN_IN_COOKIE = "member_signin";
    /** A sign-in with LINE between the callback and the same-site step that finishes it. */
    static final String LINE_SIGN_IN_COOKIE = "member_line_signin";
    private static final Duration IDLE = Duration.ofHours(1);
    private static final Duration LINE_SIGN_IN = Duration.ofMinutes(2);
    private static final int MAX_PENDING_LINE_SIGN_INS = 10_000;

    record Session(String id, String memberId, Instant lastSeen) {
        @Override
        public String toString() {
            return "Session[member=" + memberId + "]";
        }
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private record Pending(String memberId, Instant expires) {}
    private final Map<String, Pending> lineSignIns = new ConcurrentHashMap<>();
    private final Clock clock;
    private final boolean secure;

    Sessions(Clock clock, boolean secure) {
        this.clock = clock;
        this.secure = secure;
    }

    /** Signs {@code memberId} in: a new session, and the browser's previous one ({@code previousId}, if any) ended. */
    Session rotate(String previousId, String memberId) {
        end(previousId);
        Session s = new Session(Pkce.randomToken(32), memberId, clock.instant());
        sessions.put(s.id(), s);
        return s;
    }

    Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Session s = sessions.computeIfPresent(id, (k, v) -> v.lastSeen().plus(IDLE).isBefore(now) ? null
                : new Session(v.id(), v.memberId(), now));
        return Optional.ofNullable(s);
    }

    void end(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    /**
     * The callback verified {@code memberId}'s LINE account: the id of the sign-in that the same-site step
     * after it finishes ({@link #takeLineSignIn}). Bounded: beyond 10,000 pending, the expired go first.
     */
    String pendLineSignIn(String memberId) {
        Instant now = clock.instant();
        if (lineSignIns.size() >= MAX_PENDING_LINE_SIGN_INS) {
            lineSignIns.values().removeIf(p -> !p.expires().isAfter(now));
        }
        String id = Pkce.randomToken(32);
        lineSignIns.put(id, new Pending(memberId, now.plus(LINE_SIGN_IN)));
        return id;
    }

    /** The member of the pending sign-in {@code id}, once, within two minutes of the callback. */
    Optional<String> takeLineSignIn(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.empty();
        }
        Pending p = lineSignIns.remove(id);
        return p == null || !p.expires().isAfter(clock.instant()) ? Optional.empty() : Optional.of(p.memberId());
    }

    /** Forgets sessions idle for longer than an hour, and sign-ins with LINE never finished. */
    void purgeIdle() {
        Instant now = clock.instant();
        Instant cutoff = now.minus(IDLE);
        sessions.values().removeIf(s -> s.lastSeen().isBefore(cutoff));
        lineSignIns.values().removeIf(p -> !p.expires().isAfter(now));
    }

    String setCookie(Session s) {
        return cookie(COOKIE, s.id(), null);
    }

    String clearCookie() {
        return cookie(COOKIE, "", Duration.ZERO);
    }

    String lineSignInCookie(String id) {
        return cookie(LINE_SIGN_IN_COOKIE, id, LINE_SIGN_IN);
    }

    String clearLineSignInCookie() {
        return cookie(LINE_SIGN_IN_COOKIE, "", Duration.ZERO);
    }

    String signInCookie(String id) {
        return cookie(SIGN_IN_COOKIE, id, IDLE);
    }

    private String cookie(String name, String value, Duration maxAge) {
        return name + "=" + value + "; Path=/" + (maxAge == null ? "" : "; Max-Age=" + maxAge.toSeconds())
                + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }
}
