package io.linegate.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Console sessions end after their idle time and after their absolute lifetime, and are bounded in number. */
class SessionsTest {
    final AtomicLong now = new AtomicLong(1_000_000);
    final Sessions sessions = new Sessions(Duration.ofMinutes(15), Duration.ofHours(8), now::get);

    @Test
    void aSessionUsedWithinItsIdleTimeLivesOnAndOneLeftIdleEnds() {
        Sessions.Session s = sessions.open("console from 127.0.0.1");
        now.addAndGet(Duration.ofMinutes(14).toMillis());
        assertThat(sessions.find(s.id())).isPresent(); // use restarts the idle time
        now.addAndGet(Duration.ofMinutes(14).toMillis());
        assertThat(sessions.find(s.id())).isPresent();
        now.addAndGet(Duration.ofMinutes(15).toMillis() + 1);
        assertThat(sessions.find(s.id())).isEmpty();
    }

    @Test
    void aSessionInUseStillEndsAfterEightHours() {
        Sessions.Session s = sessions.open("console from 127.0.0.1");
        for (int i = 0; i < 48; i++) {
            now.addAndGet(Duration.ofMinutes(10).toMillis());
            assertThat(sessions.find(s.id())).isPresent();
        }
        now.addAndGet(Duration.ofMinutes(1).toMillis());
        assertThat(sessions.find(s.id())).isEmpty();
    }

    @Test
    void idsAndCsrfTokensAreUnguessableAndDifferAndSignedOutSessionsAreGone() {
        Sessions.Session a = sessions.open("a");
        Sessions.Session b = sessions.open("b");
        assertThat(a.id()).hasSize(43).isNotEqualTo(b.id()).isNotEqualTo(a.csrf());
        assertThat(sessions.find("forged")).isEmpty();
        assertThat(sessions.find(null)).isEmpty();
        sessions.close(a.id());
        assertThat(sessions.find(a.id())).isEmpty();
        assertThat(sessions.find(b.id())).isPresent();
    }

    @Test
    void pastTheBoundTheLeastRecentlyUsedSessionGoes() {
        Sessions.Session first = sessions.open("first");
        now.incrementAndGet();
        Sessions.Session second = sessions.open("second");
        for (int i = 2; i < Sessions.MAX_SESSIONS; i++) {
            now.incrementAndGet();
            sessions.open("s" + i);
        }
        now.incrementAndGet();
        assertThat(sessions.find(first.id())).isPresent(); // now the most recently used
        now.incrementAndGet();
        sessions.open("one more");
        assertThat(sessions.find(second.id())).isEmpty();
        assertThat(sessions.find(first.id())).isPresent();
    }
}
