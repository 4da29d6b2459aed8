package io.linegate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A full webhook queue refuses new events visibly (503, counted) and changes nothing; nothing is dropped. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WebhookQueueBoundTest {
    @Test
    void aFullQueueRefusesWithoutHalfDoingAnythingAndDropsNothing() throws Exception {
        EmulatorConfig cfg = new EmulatorConfig();
        cfg.webhookQueueLimit = 3;
        cfg.maxEventsPerWebhook = 1;
        try (Receiver receiver = new Receiver();
                Emulator emulator = Emulator.builder().config(cfg).webhookUrl(receiver.url()).build().start()) {
            Http control = new Http(emulator.baseUrl(), null);
            String friend = receiver.friend(control, "Alice");
            String stranger = control.post("/control/v1/users", "{\"displayName\":\"Bob\"}").json().path("userId").asText();
            receiver.delayMs = 1500; // 128 requests in flight are held; the rest queue up
            String three = "{\"events\":[" + ("{\"type\":\"postback\",\"postback\":{\"data\":\"x\"},\"source\":{\"type\":\"user\",\"userId\":\"" + friend + "\"}},").repeat(3);
            three = three.substring(0, three.length() - 1) + "]}";
            int accepted = 0;
            Http.Res refused = null;
            for (int i = 0; i < 100 && refused == null; i++) {
                Http.Res r = control.post("/control/v1/events", three);
                if (r.status() == 503) {
                    refused = r;
                } else {
                    assertThat(r.status()).isEqualTo(200);
                    accepted += 3;
                }
            }
            assertThat(refused).as("a 503 once 128 requests are in flight and 3 events queued").isNotNull();
            assertThat(refused.json().path("message").asText()).contains("webhook queue", "full");
            // Single events fill what room is left, then are refused too.
            int room = 0;
            while (control.post("/control/v1/users/" + friend + "/postback", "{\"data\":\"y\"}").status() == 200) {
                assertThat(++room).isLessThanOrEqualTo(3);
            }
            accepted += room;
            // Actions that would create an event are refused before they change anything.
            assertThat(control.post("/control/v1/users/" + stranger + "/follow", "").status()).isEqualTo(503);
            assertThat(control.post("/control/v1/users/" + friend + "/messages", "{\"type\":\"text\",\"text\":\"hi\"}").status()).isEqualTo(503);
            JsonNode users = control.get("/control/v1/users").json().path("users");
            for (JsonNode u : users) {
                if (u.path("userId").asText().equals(stranger)) {
                    assertThat(u.path("relation").asText()).isEqualTo("NONE");
                }
            }
            JsonNode stats = control.get("/control/v1/webhook-errors").json();
            assertThat(stats.path("refusedEvents").asLong()).isEqualTo(6); // 3 raw + a postback + follow + message
            assertThat(stats.path("queuedEvents").asInt()).isEqualTo(3);

            receiver.delayMs = 0;
            int expected = accepted; // every accepted event (friend() took the follow already)
            long deadline = System.currentTimeMillis() + 15_000;
            while (receiver.requests.size() < expected && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(receiver.requests).hasSize(expected);
            assertThat(control.post("/control/v1/users/" + stranger + "/follow", "").status()).isEqualTo(200);
        }
    }
}
