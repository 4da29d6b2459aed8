package io.linegate.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linegate.core.Secret;
import io.linegate.store.Store;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The anonymous-login limits protect the store without locking anyone out: a signed-in member and a
 * callback are never counted against an address's anonymous cap, and a flood from many addresses
 * pushes out the oldest pending logins instead of refusing new visitors.
 */
class AnonymousLimitsTest {
    static final String CALLBACK = "https://member.example/callback";
    static final LoginFlow.Options SCOPES = LoginFlow.Options.scopes("openid", "profile");
    static final String SHARED_ADDRESS = "203.0.113.7";

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

    LineLogin.Builder login() {
        return LineLogin.builder("1234567890", Secret.of("0123456789abcdef0123456789abcdef", "secret"), store.pendingLogins())
                .callbackUrls(CallbackUrls.of(List.of(CALLBACK))).platform(URI.create("https://access.line.me"))
                .clock(clock);
    }

    LoginFlow flow() {
        return new LoginFlow("1234567890", "https://access.line.me", CallbackUrls.of(List.of(CALLBACK)),
                store.pendingLogins(), clock);
    }

    LoginFlow.Callback callback(LoginFlow.Begin begin) {
        return flow().callback(LoginFlowTest.cookieValue(begin.setCookie()), Map.of("code", "c",
                "state", LoginFlowTest.query(begin.authorizationUrl()).get("state")));
    }

    int flood(LineLogin login, String address, int attempts) {
        int refused = 0;
        for (int i = 0; i < attempts; i++) {
            try {
                login.begin(CALLBACK, SCOPES, address);
            } catch (RequestRefusedException e) {
                assertThat(e.status()).isEqualTo(429);
                refused++;
            }
        }
        return refused;
    }

    @Test
    void aMembersLinkStartAndACallbackAreNotHeldUpByTheirAddressesFloodedAnonymousCap() {
        LineLogin login = login().build();
        LoginFlow.Begin visitor = login.begin(CALLBACK, SCOPES, SHARED_ADDRESS); // before the flood
        assertThat(flood(login, SHARED_ADDRESS, 200)).as("the flood is refused").isGreaterThan(150);

        String session = "member-session";
        LinkRequest member = new LinkRequest("alice", session, login.csrfTokens().issue(session), SHARED_ADDRESS);
        for (int i = 0; i < 5; i++) {
            assertThat(login.beginLink(CALLBACK, SCOPES, member).authorizationUrl()).isNotBlank();
        }
        assertThat(callback(visitor).authorized()).as("the visitor's callback").isNotNull();

        AccountLinks links = AccountLinks.builder(store.links()).clock(clock).csrfTokens(login.csrfTokens()).build();
        assertThatThrownBy(() -> links.startLink(member, "not-issued", false)).as("judged on its token, not counted out")
                .isInstanceOfSatisfying(RequestRefusedException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void aMemberIsStillLimitedOnTheirOwn() {
        LineLogin login = login().startLimit(3, 100).build();
        LinkRequest member = new LinkRequest("bob", "s", login.csrfTokens().issue("s"), SHARED_ADDRESS);
        for (int i = 0; i < 3; i++) {
            login.beginLink(CALLBACK, SCOPES, member);
        }
        assertThatThrownBy(() -> login.beginLink(CALLBACK, SCOPES, member))
                .isInstanceOfSatisfying(RequestRefusedException.class, e -> assertThat(e.status()).isEqualTo(429));
        clock.advance(Duration.ofMinutes(1));
        assertThat(login.beginLink(CALLBACK, SCOPES, member).authorizationUrl()).isNotBlank();
    }

    @Test
    void aFloodFromThirtyAddressesPushesOutTheOldestPendingLoginsAndNeverRefusesANewVisitor() {
        LineLogin login = login().maxPendingLogins(50).build();
        String session = "member-session";
        LoginFlow.Begin memberLink = login.beginLink(CALLBACK, SCOPES,
                new LinkRequest("carol", session, login.csrfTokens().issue(session), "192.0.2.1"));
        List<LoginFlow.Begin> begun = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            for (int a = 0; a < 30; a++) {
                begun.add(login.begin(CALLBACK, SCOPES, "198.51.100." + a)); // 20 each: all within the per-address cap
            }
            clock.advance(Duration.ofMillis(100)); // each round expires a little later than the one before
        }
        LoginFlow.Begin newcomer = login.begin(CALLBACK, SCOPES, "192.0.2.200");

        assertThat(callback(begun.get(0)).refused().reason()).as("the oldest was pushed out").contains("no such login");
        assertThat(callback(newcomer).authorized()).as("the newcomer's login").isNotNull();
        assertThat(callback(begun.get(begun.size() - 1)).authorized()).as("a recent one").isNotNull();
        assertThat(callback(memberLink).authorized()).as("a member's link is never pushed out").isNotNull();
        assertThat(login.purgeExpired(clock.instant().plus(Duration.ofMinutes(20))))
                .as("pending logins left in the store: the 50 newest anonymous ones and the member's link").isEqualTo(51);
    }
}
