package io.linegate.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linegate.core.Secret;
import io.linegate.store.Store;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What anonymous visitors can make the site store: a capped number of logins per client address per
 * minute (429 beyond), in bounded memory, and nothing that outlives its ten minutes once purged.
 */
class StartLimitAndPurgeTest {
    static final String CALLBACK = "https://member.example/callback";
    static final LoginFlow.Options SCOPES = LoginFlow.Options.scopes("openid", "profile");

    @TempDir
    Path dir;
    Store store;
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T00:00:10Z"));

    @BeforeEach
    void open() {
        store = Store.sqlite(dir);
    }

    @AfterEach
    void close() {
        store.close();
    }

    LineLogin login(int perClient, int clients) {
        return LineLogin.builder("1234567890", Secret.of("0123456789abcdef0123456789abcdef", "secret"), store.pendingLogins())
                .callbackUrls(CallbackUrls.of(List.of(CALLBACK))).platform(URI.create("https://access.line.me"))
                .clock(clock).startLimit(perClient, clients).build();
    }

    int started(LineLogin login, String client, int attempts) {
        int ok = 0;
        for (int i = 0; i < attempts; i++) {
            try {
                login.begin(CALLBACK, SCOPES, client);
                ok++;
            } catch (RequestRefusedException e) {
                assertThat(e.status()).isEqualTo(429);
            }
        }
        return ok;
    }

    @Test
    void oneClientStartsAtMostItsShareOfLoginsAMinute() {
        LineLogin login = login(20, 10_000);
        assertThat(started(login, "198.51.100.1", 200)).isEqualTo(20);
        assertThat(started(login, "198.51.100.2", 1)).as("another client is not held up").isEqualTo(1);
        clock.advance(Duration.ofMinutes(1));
        assertThat(started(login, "198.51.100.1", 5)).as("the next minute").isEqualTo(5);
        assertThat(login.purgeExpired(clock.instant().plus(Duration.ofMinutes(10)))).as("only the admitted were stored")
                .isEqualTo(26);
    }

    @Test
    void theCountsAreBoundedSoManyAddressesCannotExhaustMemoryAndANewcomerIsNeverRefused() {
        LineLogin login = login(5, 3);
        for (String client : List.of("a", "b", "c")) {
            assertThat(started(login, client, 1)).isEqualTo(1);
        }
        assertThat(started(login, "d", 1)).as("a fourth address in the same minute: admitted, 'a' forgotten").isEqualTo(1);
        assertThat(started(login, "a", 1)).as("'a' counted afresh").isEqualTo(1);
        LoginStartLimit limit = new LoginStartLimit(1, 1_000);
        for (int i = 0; i < 5_000; i++) {
            limit.tryStart("client-" + i, clock.instant());
        }
        assertThat(limit.trackedClients()).isEqualTo(1_000);
    }

    @Test
    void expiredLoginsArePurgedAndTheirCallbacksFindNothing() {
        LineLogin login = login(100, 10_000);
        LoginFlow.Begin first = login.begin(CALLBACK, SCOPES, "c1");
        for (int i = 0; i < 49; i++) {
            login.begin(CALLBACK, SCOPES, "c1");
        }
        clock.advance(Duration.ofMinutes(5));
        LoginFlow.Begin recent = login.begin(CALLBACK, SCOPES, "c1");
        assertThat(login.purgeExpired(clock.instant())).as("nothing expired yet").isZero();
        clock.advance(Duration.ofMinutes(5));
        assertThat(login.purgeExpired(clock.instant())).isEqualTo(50);
        LoginFlow flow = new LoginFlow("1234567890", "https://access.line.me", CallbackUrls.of(List.of(CALLBACK)),
                store.pendingLogins(), clock);
        assertThat(flow.callback(LoginFlowTest.cookieValue(first.setCookie()), Map.of("code", "c",
                "state", LoginFlowTest.query(first.authorizationUrl()).get("state"))).refused().reason()).contains("no such login");
        assertThat(flow.callback(LoginFlowTest.cookieValue(recent.setCookie()), Map.of("code", "c",
                "state", LoginFlowTest.query(recent.authorizationUrl()).get("state"))).authorized()).isNotNull();
    }

    @Test
    void startingLinksIsCappedPerMemberToo() {
        AccountLinks links = AccountLinks.builder(store.links()).clock(clock).startLimit(3, 100).build();
        String session = "s1";
        LinkRequest r = new LinkRequest("alice", session, links.csrfTokens().issue(session), "198.51.100.9");
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> links.startLink(r, "not-issued", false)).isInstanceOfSatisfying(RequestRefusedException.class,
                    e -> assertThat(e.status()).isEqualTo(400));
        }
        assertThatThrownBy(() -> links.startLink(r, "not-issued", false)).isInstanceOfSatisfying(RequestRefusedException.class,
                e -> assertThat(e.status()).isEqualTo(429));
    }
}
