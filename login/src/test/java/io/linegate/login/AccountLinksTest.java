package io.linegate.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.Server;
import io.linegate.core.Json;
import io.linegate.emulator.Emulator;
import io.linegate.login.AccountLinks.Outcome;
import io.linegate.store.Digests;
import io.linegate.store.LinkStore.AuditEntry;
import io.linegate.store.Store;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Messaging API account-link flow against the emulator's link tokens and account-link dialog,
 * and the attacks on it: another member's nonce, a replayed event, a nonce used with another user's
 * link token, a link token the bot never issued, a start without the session's CSRF token, and a link
 * that would silently replace another.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AccountLinksTest {
    static final String CLIENT = "203.0.113.9";
    @TempDir
    Path dir;
    Emulator emulator;
    Server bot;
    Store store;
    AccountLinks links;
    final CsrfTokens csrf = CsrfTokens.random();
    final List<JsonNode> events = new CopyOnWriteArrayList<>();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        emulator = Emulator.builder().port(0).start();
        bot = Server.builder().localPort(0, SessionProtocol.HTTP)
                .service("/webhook", (ctx, req) -> HttpResponse.of(req.aggregate().thenApply(agg -> {
                    try {
                        Json.mapper().readTree(agg.contentUtf8()).path("events").forEach(events::add);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return HttpResponse.of(200);
                }))).build();
        bot.start().join();
        api("PUT", "/v2/bot/channel/webhook/endpoint", "{\"endpoint\":\"http://127.0.0.1:" + bot.activeLocalPort() + "/webhook\"}");
        store = Store.sqlite(dir);
        links = AccountLinks.builder(store.links()).accessBase("https://access.line.me").csrfTokens(csrf).build();
    }

    @AfterEach
    void stop() {
        store.close();
        bot.stop(); // Not joined: the port is ephemeral, and a stop waits about 2 s for Netty's idle boss loop after the last request.
        emulator.close();
    }

    JsonNode api(String method, String path, String body) throws Exception {
        var res = http.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + path))
                .header("Authorization", "Bearer " + emulator.defaultChannel().accessToken())
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isBetween(200, 299);
        return res.body().isEmpty() ? Json.mapper().createObjectNode() : Json.mapper().readTree(res.body());
    }

    String friend() throws Exception {
        String id = api("POST", "/control/v1/users", "{\"displayName\":\"A\"}").path("userId").asText();
        api("POST", "/control/v1/users/" + id + "/follow", "{}");
        return id;
    }

    /** The user opens the dialog URL the site redirected them to; returns the accountLink event LINE sent. */
    JsonNode openDialog(String userId, String dialogUrl) throws Exception {
        String query = URI.create(dialogUrl).getRawQuery();
        String linkToken = URLDecoder.decode(query.replaceAll(".*linkToken=([^&]*).*", "$1"), StandardCharsets.UTF_8);
        String nonce = query.replaceAll(".*nonce=([^&]*).*", "$1");
        int before = events.size();
        api("POST", "/control/v1/users/" + userId + "/accountLink",
                "{\"linkToken\":\"" + linkToken + "\",\"nonce\":\"" + nonce + "\"}");
        await().until(() -> events.stream().skip(before).anyMatch(e -> e.path("type").asText().equals("accountLink")));
        return events.stream().skip(before).filter(e -> e.path("type").asText().equals("accountLink")).findFirst().get();
    }

    Outcome handle(JsonNode event) {
        return links.onAccountLinkEvent(event.path("link").path("result").asText(), event.path("link").path("nonce").asText(null),
                event.path("source").path("userId").asText(null));
    }

    /** A link token LINE issued for {@code userId}, recorded with its user as the bot does when it issues one. */
    String linkToken(String userId) throws Exception {
        String token = api("POST", "/v2/bot/user/" + userId + "/linkToken", null).path("linkToken").asText();
        store.links().recordLinkToken(Digests.sha256(token), userId, Instant.now(), Instant.now().plus(Duration.ofMinutes(10)));
        return token;
    }

    /** The member, signed in on the site in a session of their own, posting the form with that session's CSRF token. */
    LinkRequest member(String memberId) {
        String session = "session-of-" + memberId;
        return new LinkRequest(memberId, session, csrf.issue(session), CLIENT);
    }

    String start(String memberId, String linkToken) {
        return links.startLink(member(memberId), linkToken, false);
    }

    @Test
    void theUserTheLinkTokenWasIssuedForIsLinkedToTheNoncesMember() throws Exception {
        String user = friend();
        String dialog = start("member-42", linkToken(user));
        assertThat(dialog).startsWith("https://access.line.me/dialog/bot/accountLink?linkToken=");
        assertThat(dialog.replaceAll(".*nonce=", "")).matches("[A-Za-z0-9_-]{43}"); // 256 bits
        assertThat(handle(openDialog(user, dialog))).isEqualTo(Outcome.LINKED);
        assertThat(links.linkOfMember("member-42")).hasValueSatisfying(l -> assertThat(l.lineUserId()).isEqualTo(user));
        assertThat(store.links().auditTrail(10)).extracting(AuditEntry::action).containsExactly("linked");
    }

    @Test
    void aReusedNonceLinksNothing() throws Exception {
        String user = friend();
        String dialog = start("member-1", linkToken(user));
        JsonNode event = openDialog(user, dialog);
        assertThat(handle(event)).isEqualTo(Outcome.LINKED);
        links.unlinkMember("member-1");
        assertThat(handle(event)).isEqualTo(Outcome.REFUSED); // the same event delivered again, or replayed
        assertThat(links.linkOfMember("member-1")).isEmpty();
    }

    @Test
    void aNonceIssuedForAnotherMemberLinksThatMemberOnly() throws Exception {
        String user = friend();
        String forMember1 = start("member-1", linkToken(user));
        start("member-2", linkToken(user)); // started, never completed
        assertThat(handle(openDialog(user, forMember1))).isEqualTo(Outcome.LINKED);
        assertThat(links.linkOfMember("member-1")).isPresent();
        assertThat(links.linkOfMember("member-2")).isEmpty();
        assertThat(links.onAccountLinkEvent("ok", "nonce-nobody-issued-1234567890", user)).isEqualTo(Outcome.REFUSED);
    }

    @Test
    void aFailedEventFromAnotherUserLinksNothing() throws Exception {
        String victim = friend();
        String attacker = friend();
        String dialog = start("member-7", linkToken(victim));
        JsonNode event = openDialog(attacker, dialog); // the attacker opens the victim's link
        assertThat(event.path("link").path("result").asText()).isEqualTo("failed");
        assertThat(event.has("source")).isFalse();
        assertThat(handle(event)).isEqualTo(Outcome.FAILED_AT_LINE);
        assertThat(links.linkOfMember("member-7")).isEmpty();
        assertThat(store.links().links()).isEmpty();
    }

    @Test
    void membersAndUsersCanUnlinkAtAnyTimeWithAnAuditTrail() throws Exception {
        String user = friend();
        handle(openDialog(user, start("member-9", linkToken(user))));
        assertThat(links.unlinkLineUser(user)).isTrue();
        assertThat(links.unlinkLineUser(user)).isFalse();
        handle(openDialog(user, start("member-9", linkToken(user))));
        assertThat(links.unlinkMember("member-9")).isTrue();
        assertThat(store.links().auditTrail(10)).extracting(AuditEntry::action)
                .containsExactly("unlinked", "linked", "unlinked", "linked");
    }

    @Test
    void aNonceUsedWithAnotherUsersLinkTokenLinksNothingAndIsAudited() throws Exception {
        String attacker = friend();
        String victim = friend();
        // The attacker, a member of the site, starts a link with their own link token: the nonce is bound to them.
        String attackersDialog = start("mallory", linkToken(attacker));
        String nonce = attackersDialog.replaceAll(".*nonce=", "");
        // The victim opens LINE's dialog with their own link token and the attacker's nonce.
        String victimsToken = linkToken(victim);
        JsonNode event = openDialog(victim, "https://access.line.me/dialog/bot/accountLink?linkToken="
                + URLEncoder.encode(victimsToken, StandardCharsets.UTF_8) + "&nonce=" + nonce);
        assertThat(event.path("link").path("result").asText()).as("LINE itself sees nothing wrong").isEqualTo("ok");
        assertThat(handle(event)).isEqualTo(Outcome.REFUSED);
        assertThat(store.links().links()).isEmpty();
        assertThat(store.links().auditTrail(1)).singleElement().satisfies(a -> {
            assertThat(a.action()).isEqualTo("refused");
            assertThat(a.lineUserId()).isEqualTo(victim);
            assertThat(a.memberId()).isEqualTo("mallory");
            assertThat(a.detail()).contains("another LINE user");
        });
        assertThat(handle(event)).as("the nonce is spent by the attempt").isEqualTo(Outcome.REFUSED);
    }

    @Test
    void aLinkTokenTheBotNeverIssuedStartsNothing() throws Exception {
        String user = friend();
        String unrecorded = api("POST", "/v2/bot/user/" + user + "/linkToken", null).path("linkToken").asText();
        for (String token : new String[] {"anything", unrecorded, "", null}) {
            assertThatThrownBy(() -> start("mallory", token)).isInstanceOfSatisfying(RequestRefusedException.class,
                    e -> assertThat(e.status()).isEqualTo(400));
        }
        assertThat(store.links().auditTrail(10)).extracting(AuditEntry::action).containsOnly("refused");
    }

    @Test
    void startingALinkNeedsTheCsrfTokenOfTheMembersOwnSession() throws Exception {
        String token = linkToken(friend());
        LinkRequest alice = member("alice");
        for (LinkRequest forged : List.of(new LinkRequest("alice", alice.siteSessionId(), null, CLIENT),
                new LinkRequest("alice", alice.siteSessionId(), "guess", CLIENT),
                new LinkRequest("alice", "another-session", alice.csrfToken(), CLIENT),
                new LinkRequest("alice", alice.siteSessionId(), member("bob").csrfToken(), CLIENT),
                new LinkRequest("", alice.siteSessionId(), alice.csrfToken(), CLIENT))) {
            assertThatThrownBy(() -> links.startLink(forged, token, false)).isInstanceOfSatisfying(RequestRefusedException.class,
                    e -> assertThat(e.status()).isEqualTo(403));
        }
        assertThat(links.startLink(alice, token, false)).contains("nonce=");
    }

    @Test
    void aLinkThatWouldReplaceAnotherNeedsTheMembersConfirmation() throws Exception {
        String first = friend();
        String second = friend();
        assertThat(handle(openDialog(first, start("member-5", linkToken(first))))).isEqualTo(Outcome.LINKED);
        // The member links another LINE account without confirming the replacement: nothing changes.
        assertThat(handle(openDialog(second, start("member-5", linkToken(second))))).isEqualTo(Outcome.WOULD_REPLACE);
        assertThat(links.linkOfMember("member-5")).hasValueSatisfying(l -> assertThat(l.lineUserId()).isEqualTo(first));
        // Confirmed: the old link goes, and both are in the audit trail.
        String confirmed = links.startLink(member("member-5"), linkToken(second), true);
        assertThat(handle(openDialog(second, confirmed))).isEqualTo(Outcome.LINKED);
        assertThat(links.linkOfMember("member-5")).hasValueSatisfying(l -> assertThat(l.lineUserId()).isEqualTo(second));
        assertThat(store.links().auditTrail(2)).extracting(AuditEntry::action, AuditEntry::lineUserId).containsExactly(
                Tuple.tuple("linked", second), Tuple.tuple("replaced", first));
    }

    @Test
    void theNonceIsKeptOnlyAsADigest() throws Exception {
        String user = friend();
        String nonce = start("member-3", linkToken(user)).replaceAll(".*nonce=", "");
        assertThat(store.links().useLinkNonce(nonce, Instant.now())).as("the clear nonce is no key").isEmpty();
        assertThat(store.links().useLinkNonce(Digests.sha256(nonce), Instant.now())).isPresent();
    }
}
