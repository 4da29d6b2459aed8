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
import io.linegate.store.LinkStore.AuditEntry;
import io.linegate.store.Store;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Messaging API account-link flow against the emulator's link tokens and account-link dialog. */
class AccountLinksTest {
    @TempDir
    Path dir;
    Emulator emulator;
    Server bot;
    Store store;
    AccountLinks links;
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
        links = new AccountLinks(store.links(), "https://access.line.me", Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        store.close();
        bot.stop().join();
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

    String linkToken(String userId) throws Exception {
        return api("POST", "/v2/bot/user/" + userId + "/linkToken", null).path("linkToken").asText();
    }

    @Test
    void theUserTheLinkTokenWasIssuedForIsLinkedToTheNoncesMember() throws Exception {
        String user = friend();
        String dialog = links.startLink("member-42", linkToken(user));
        assertThat(dialog).startsWith("https://access.line.me/dialog/bot/accountLink?linkToken=");
        assertThat(dialog.replaceAll(".*nonce=", "")).matches("[A-Za-z0-9_-]{43}"); // 256 bits
        assertThat(handle(openDialog(user, dialog))).isEqualTo(Outcome.LINKED);
        assertThat(links.linkOfMember("member-42")).hasValueSatisfying(l -> assertThat(l.lineUserId()).isEqualTo(user));
        assertThat(store.links().auditTrail(10)).extracting(AuditEntry::action).containsExactly("linked");
    }

    @Test
    void aReusedNonceLinksNothing() throws Exception {
        String user = friend();
        String dialog = links.startLink("member-1", linkToken(user));
        JsonNode event = openDialog(user, dialog);
        assertThat(handle(event)).isEqualTo(Outcome.LINKED);
        links.unlinkMember("member-1");
        assertThat(handle(event)).isEqualTo(Outcome.REFUSED); // the same event delivered again, or replayed
        assertThat(links.linkOfMember("member-1")).isEmpty();
    }

    @Test
    void aNonceIssuedForAnotherMemberLinksThatMemberOnly() throws Exception {
        String user = friend();
        String forMember1 = links.startLink("member-1", linkToken(user));
        links.startLink("member-2", linkToken(user)); // started, never completed
        assertThat(handle(openDialog(user, forMember1))).isEqualTo(Outcome.LINKED);
        assertThat(links.linkOfMember("member-1")).isPresent();
        assertThat(links.linkOfMember("member-2")).isEmpty();
        assertThat(links.onAccountLinkEvent("ok", "nonce-nobody-issued-1234567890", user)).isEqualTo(Outcome.REFUSED);
    }

    @Test
    void aFailedEventFromAnotherUserLinksNothing() throws Exception {
        String victim = friend();
        String attacker = friend();
        String dialog = links.startLink("member-7", linkToken(victim));
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
        handle(openDialog(user, links.startLink("member-9", linkToken(user))));
        assertThat(links.unlinkLineUser(user)).isTrue();
        assertThat(links.unlinkLineUser(user)).isFalse();
        handle(openDialog(user, links.startLink("member-9", linkToken(user))));
        assertThat(links.unlinkMember("member-9")).isTrue();
        assertThat(store.links().auditTrail(10)).extracting(AuditEntry::action)
                .containsExactly("unlinked", "linked", "unlinked", "linked");
        assertThatThrownBy(() -> links.startLink("", "token")).hasMessageContaining("logged-in member");
    }
}
