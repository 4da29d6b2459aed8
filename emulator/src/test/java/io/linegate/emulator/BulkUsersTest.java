package io.linegate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bulk users for campaign load tests, and the per-recipient delivery summary that checks a campaign. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BulkUsersTest extends ReceiverFixture {

    @BeforeEach
    void start() {
        EmulatorConfig cfg = new EmulatorConfig();
        cfg.inboxLimit = 1; // the summary must not depend on the inbox bound
        startEmulator(b -> b.config(cfg).rateLimits(false));
    }

    static String id(long n) {
        return "U" + String.format("%032x", n);
    }

    JsonNode summary() {
        return control.get("/control/v1/deliveries/summary?channelId=" + emulator.defaultChannel().channelId()).json();
    }

    @Test
    void bulkUsersAreFriendsWithDeterministicIdsAndNoFollowEvents() throws Exception {
        Http.Res r = control.post("/control/v1/users/bulk", "{\"start\":4096,\"count\":1000,\"displayName\":\"Load\"}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("created").asLong()).isEqualTo(1000);
        assertThat(r.json().path("firstUserId").asText()).isEqualTo(id(4096));
        assertThat(r.json().path("lastUserId").asText()).isEqualTo(id(5095));
        Http.Res profile = http.get("/v2/bot/profile/" + id(5000));
        assertThat(profile.status()).isEqualTo(200);
        assertThat(profile.json().path("displayName").asText()).isEqualTo("Load");
        assertThat(http.get("/v2/bot/followers/ids?limit=1000").json().path("userIds")).hasSize(1000);
        // Idempotent: the same range again creates nothing new; a blocking user stays blocked.
        control.post("/control/v1/users/" + id(4096) + "/block", "");
        receiver.take(); // the unfollow event of the block
        Http.Res again = control.post("/control/v1/users/bulk", "{\"start\":4096,\"count\":1000}");
        assertThat(again.json().path("created").asLong()).isEqualTo(1000);
        assertThat(again.json().path("alreadyExisted").asLong()).isEqualTo(1000);
        assertThat(http.get("/v2/bot/profile/" + id(4096)).status()).isEqualTo(404);
        assertThat(http.get("/v2/bot/profile/" + id(4097)).json().path("displayName").asText()).isEqualTo("Load");
        Thread.sleep(200);
        assertThat(receiver.requests).isEmpty(); // no follow events for bulk users
    }

    @Test
    void bulkUsersOfSeveralChannelsAndBadInputChangingNothing() {
        String ch = emulator.defaultChannel().channelId();
        assertThat(control.post("/control/v1/users/bulk", "{\"count\":0}").status()).isEqualTo(400);
        assertThat(control.post("/control/v1/users/bulk", "{\"count\":1000001}").status()).isEqualTo(400);
        assertThat(control.post("/control/v1/users/bulk", "{\"count\":5,\"start\":-1}").status()).isEqualTo(400);
        Http.Res unknown = control.post("/control/v1/users/bulk", "{\"count\":5,\"friendOf\":[\"" + ch + "\",\"42\"]}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("details").get(0).path("message").asText()).contains("42");
        assertThat(control.get("/control/v1/users").json().path("users")).isEmpty();
        Http.Res ok = control.post("/control/v1/users/bulk", "{\"count\":3,\"friendOf\":[\"" + ch + "\"]}");
        assertThat(ok.json().path("firstUserId").asText()).isEqualTo(id(0));
        assertThat(control.get("/control/v1/users").json().path("users").get(2).path("relation").asText()).isEqualTo("FRIEND");
    }

    @Test
    void multicastToBulkUsersIsSummarizedPerRecipientBeyondTheInboxBound() {
        control.post("/control/v1/users/bulk", "{\"count\":500}");
        StringBuilder to = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            to.append(i == 0 ? "" : ",").append('"').append(id(i)).append('"');
        }
        String campaign = "{\"to\":[" + to + "],\"messages\":[{\"type\":\"text\",\"text\":\"Sale!\"},{\"type\":\"text\",\"text\":\"Today only\"}]}";
        assertThat(http.post("/v2/bot/message/multicast", campaign).status()).isEqualTo(200);
        JsonNode s = summary();
        assertThat(s.path("recipients").asLong()).isEqualTo(500);
        assertThat(s.path("messages").asLong()).isEqualTo(1000);
        assertThat(s.path("maxPerRecipient").asLong()).isEqualTo(2);
        assertThat(s.path("duplicatedRecipients").asLong()).isZero();

        // Other texts to one user are not duplicates; the same campaign text again to two users is.
        http.post("/v2/bot/message/push", "{\"to\":\"" + id(7) + "\",\"messages\":[{\"type\":\"text\",\"text\":\"Your order\"}]}");
        assertThat(summary().path("duplicatedRecipients").asLong()).isZero();
        http.post("/v2/bot/message/multicast", "{\"to\":[\"" + id(7) + "\",\"" + id(8) + "\"],\"messages\":[{\"type\":\"text\",\"text\":\"Sale!\"}]}");
        s = summary();
        assertThat(s.path("recipients").asLong()).isEqualTo(500);
        assertThat(s.path("messages").asLong()).isEqualTo(1003);
        assertThat(s.path("maxPerRecipient").asLong()).isEqualTo(4);
        assertThat(s.path("duplicatedRecipients").asLong()).isEqualTo(2);
        // Non-friends receive nothing and are not counted; reset forgets the counts.
        http.post("/v2/bot/message/push", "{\"to\":\"" + id(900) + "\",\"messages\":[{\"type\":\"text\",\"text\":\"x\"}]}");
        assertThat(summary().path("recipients").asLong()).isEqualTo(500);
        control.post("/control/v1/reset", "");
        assertThat(summary()).isEqualTo(control.get("/control/v1/deliveries/summary").json());
        assertThat(summary().path("messages").asLong()).isZero();
    }

    @Test
    void aMillionUsersInAFewSeconds() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        long t0 = System.nanoTime();
        Http.Res r = control.post("/control/v1/users/bulk", "{\"start\":0,\"count\":1000000}");
        double secs = (System.nanoTime() - t0) / 1e9;
        System.gc();
        long after = rt.totalMemory() - rt.freeMemory();
        System.out.printf("bulk: 1,000,000 users in %.2f s, heap +%d MiB (%d bytes/user)%n",
                secs, (after - before) >> 20, (after - before) / 1_000_000);
        assertThat(r.json().path("lastUserId").asText()).isEqualTo(id(999_999));
        assertThat(secs).isLessThan(30); // a generous bound: the machine is shared
        assertThat(http.get("/v2/bot/profile/" + id(999_999)).status()).isEqualTo(200);
    }
}
