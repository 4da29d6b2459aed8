package io.linegate.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.linegate.store.LinkStore.AuditEntry;
import io.linegate.store.LinkStore.LinkResult.Outcome;
import io.linegate.store.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Linking at LINE Login against the emulator: a sign-in never links, a link starts only with the
 * session's CSRF token, and it is made only when the member confirms, never over another link unless
 * the member confirmed replacing it.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LinkAtLoginTest {
    static final String CALLBACK = LoginEmulator.CALLBACK;
    static final String CLIENT = "203.0.113.8";

    @TempDir
    Path dir;
    LoginEmulator fixture;
    Store store;
    LineLogin login;
    AccountLinks links;
    final MutableClock clock = new MutableClock();
    final CsrfTokens csrf = CsrfTokens.random();
    String taro;

    @BeforeEach
    void start() throws Exception {
        fixture = new LoginEmulator(dir);
        store = fixture.store;
        taro = fixture.user;
        login = fixture.login().csrfTokens(csrf).build();
        links = AccountLinks.builder(store.links()).accessBase(fixture.emulator.baseUrl()).csrfTokens(csrf).clock(clock).build();
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    LinkRequest member(String memberId) {
        String session = "session-of-" + memberId;
        return new LinkRequest(memberId, session, csrf.issue(session), CLIENT);
    }

    /** Member {@code memberId}'s confirmation of {@code ticket} from their session, with the token its page carried. */
    LinkRequest confirming(String memberId, String ticket) {
        String session = "session-of-" + memberId;
        return new LinkRequest(memberId, session, links.confirmationToken(session, ticket), CLIENT);
    }

    /** Taro logs in to LINE at {@code begin}'s URL and allows; the site completes the callback. */
    LineLogin.LoggedIn logIn(LoginFlow.Begin begin) throws Exception {
        LineLogin.Result r = login.complete(LoginEmulator.cookie(begin), fixture.consent(begin, "allow").query());
        assertThat(r.loggedIn()).as(String.valueOf(r.refused())).isNotNull();
        return r.loggedIn();
    }

    LineLogin.LoggedIn linkLogin(String memberId) throws Exception {
        return logIn(login.beginLink(CALLBACK, LoginFlow.Options.scopes("openid", "profile"), member(memberId)));
    }

    @Test
    void aSignInNeverLinks() throws Exception {
        LineLogin.LoggedIn in = logIn(login.begin(CALLBACK, LoginFlow.Options.scopes("openid", "profile"), CLIENT));
        assertThat(in.lineUserId()).isEqualTo(taro);
        assertThat(in.linkMemberId()).isNull();
        assertThatThrownBy(() -> links.propose(in)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.links().links()).isEmpty();
    }

    @Test
    void aLinkStartsOnlyWithTheCsrfTokenOfTheMembersSession() {
        LinkRequest alice = member("alice");
        for (LinkRequest forged : List.of(new LinkRequest("alice", alice.siteSessionId(), null, CLIENT),
                new LinkRequest("alice", "a-session-the-attacker-made", alice.csrfToken(), CLIENT),
                new LinkRequest("alice", alice.siteSessionId(), member("mallory").csrfToken(), CLIENT),
                new LinkRequest("alice", alice.siteSessionId(), CsrfTokens.random().issue(alice.siteSessionId()), CLIENT))) {
            assertThatThrownBy(() -> login.beginLink(CALLBACK, LoginFlow.Options.scopes("openid"), forged))
                    .isInstanceOfSatisfying(RequestRefusedException.class, e -> assertThat(e.status()).isEqualTo(403));
        }
        assertThat(login.purgeExpired(Instant.now().plus(Duration.ofDays(1)))).as("nothing was stored for them").isZero();
    }

    @Test
    void theLinkIsMadeWhenTheMemberConfirmsAndNeverSilentlyReplacesAnother() throws Exception {
        store.links().link("U-old", "alice", "line-login", false, Instant.now());
        store.links().link(taro, "bob", "account-link", false, Instant.now());

        LineLogin.LoggedIn in = linkLogin("alice");
        assertThat(in.linkMemberId()).isEqualTo("alice");
        AccountLinks.LinkProposal p = links.propose(in);
        assertThat(p.lineUserId()).isEqualTo(taro);
        assertThat(p.replaces()).isTrue();
        assertThat(p.memberLink()).hasValueSatisfying(l -> assertThat(l.lineUserId()).isEqualTo("U-old"));
        assertThat(p.lineUserLink()).hasValueSatisfying(l -> assertThat(l.memberId()).isEqualTo("bob"));

        // The member did not confirm the replacement: nothing changes, and the refusal is audited.
        assertThat(links.confirm(confirming("alice", p.ticket()), p.ticket(), false).outcome()).isEqualTo(Outcome.WOULD_REPLACE);
        assertThat(links.linkOfMember("alice")).hasValueSatisfying(l -> assertThat(l.lineUserId()).isEqualTo("U-old"));
        assertThat(links.linkOfMember("bob")).hasValueSatisfying(l -> assertThat(l.lineUserId()).isEqualTo(taro));
        assertThat(store.links().auditTrail(1)).extracting(AuditEntry::action).containsExactly("refused");

        // Confirmed (after starting again: a ticket is confirmed once): both old links are replaced, and the
        // audit trail has them and the new one.
        AccountLinks.LinkProposal again = links.propose(linkLogin("alice"));
        assertThat(links.confirm(confirming("alice", again.ticket()), again.ticket(), true).outcome()).isEqualTo(Outcome.REPLACED);
        assertThat(links.linkOfMember("alice")).hasValueSatisfying(l -> assertThat(l.lineUserId()).isEqualTo(taro));
        assertThat(links.linkOfMember("bob")).isEmpty();
        assertThat(store.links().auditTrail(3)).extracting(AuditEntry::action, AuditEntry::lineUserId, AuditEntry::memberId)
                .containsExactlyInAnyOrder(tuple("linked", taro, "alice"), tuple("replaced", "U-old", "alice"),
                        tuple("replaced", taro, "bob"));
    }

    @Test
    void theConfirmationIsBoundToItsMemberTheirSessionAndTenMinutes() throws Exception {
        AccountLinks.LinkProposal p = links.propose(linkLogin("alice"));
        String ticket = p.ticket();
        String[] parts = ticket.split("\\.");
        String otherUser = Base64.getUrlEncoder().withoutPadding().encodeToString("U-attacker".getBytes());
        String tampered = parts[0] + "." + otherUser + "." + parts[2] + "." + parts[3] + "." + parts[4];
        // Another member, a forged session token, a tampered ticket: refused.
        for (Runnable attempt : List.<Runnable>of(() -> links.confirm(confirming("mallory", ticket), ticket, false),
                () -> links.confirm(new LinkRequest("alice", "session-of-alice", "forged", CLIENT), ticket, false),
                () -> links.confirm(confirming("alice", tampered), tampered, false),
                () -> links.confirm(confirming("alice", ticket.substring(0, ticket.length() - 2)), ticket.substring(0, ticket.length() - 2),
                        false))) {
            assertThatThrownBy(attempt::run).isInstanceOfSatisfying(RequestRefusedException.class,
                    e -> assertThat(e.status()).isEqualTo(403));
        }
        assertThat(links.proposal("mallory", ticket)).isEmpty();
        assertThat(links.proposal("alice", ticket)).hasValueSatisfying(back -> assertThat(back.lineUserId()).isEqualTo(taro));
        clock.advance(Duration.ofMinutes(10));
        assertThat(links.proposal("alice", ticket)).as("expired").isEmpty();
        assertThatThrownBy(() -> links.confirm(confirming("alice", ticket), ticket, false)).isInstanceOf(RequestRefusedException.class);
        assertThat(store.links().links()).isEmpty();
    }

    @Test
    void aConfirmationTicketIsUsedOnceAndOnlyByTheSessionThatWasShownIt() throws Exception {
        AccountLinks.LinkProposal p = links.propose(linkLogin("alice"));
        String ticket = p.ticket();
        // Alice's other session (another device, or whoever holds it) with its own valid CSRF token, or with
        // the confirmation token of another ticket: refused, and the ticket is still there for the session shown it.
        String other = "another-session-of-alice";
        AccountLinks.LinkProposal second = links.propose(linkLogin("alice"));
        for (LinkRequest elsewhere : List.of(new LinkRequest("alice", other, csrf.issue(other), CLIENT),
                new LinkRequest("alice", "session-of-alice", csrf.issue("session-of-alice"), CLIENT),
                new LinkRequest("alice", other, links.confirmationToken("session-of-alice", ticket), CLIENT),
                confirming("alice", second.ticket()))) {
            assertThatThrownBy(() -> links.confirm(elsewhere, ticket, false))
                    .isInstanceOfSatisfying(RequestRefusedException.class, e -> assertThat(e.status()).isEqualTo(403));
        }
        assertThat(store.links().links()).isEmpty();

        assertThat(links.confirm(confirming("alice", ticket), ticket, false).outcome()).isEqualTo(Outcome.LINKED);
        links.unlinkMember("alice");
        // Used: the same post again (replayed within its 10 minutes) links nothing.
        assertThatThrownBy(() -> links.confirm(confirming("alice", ticket), ticket, false))
                .isInstanceOfSatisfying(RequestRefusedException.class, e -> assertThat(e.getMessage()).contains("already used"));
        assertThat(store.links().links()).isEmpty();

        // Its nonce is no account-link nonce either: an accountLink event carrying it links nothing.
        String nonce = second.ticket().split("\\.")[3];
        assertThat(links.onAccountLinkEvent("ok", "link-confirmation:" + nonce, taro)).isEqualTo(AccountLinks.Outcome.REFUSED);
        assertThat(store.links().links()).isEmpty();
    }
}
