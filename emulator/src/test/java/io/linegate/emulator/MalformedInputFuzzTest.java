package io.linegate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Malformed bodies sent to every operation (spec and control API): 4xx in LINE's shape, never a 500. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MalformedInputFuzzTest {
    static final List<String> BODIES = List.of("", "null", "[]", "{", "\"text\"", "42", "{\"messages\":[1]}",
            "{\"messages\":\"x\",\"to\":5}", "{\"to\":[{}],\"messages\":[{\"type\":\"text\",\"text\":{}}]}",
            "{\"replyToken\":[],\"messages\":[{\"type\":\"text\",\"text\":\"x\",\"emojis\":[{\"index\":\"a\"}]}]}",
            "{\"endpoint\":{},\"chatId\":[],\"loadingSeconds\":\"x\",\"markAsReadToken\":{}}",
            "{\"type\":\"image\",\"contentBase64\":{},\"displayName\":[],\"userId\":{},\"events\":[1,{}],\"members\":[{}]}",
            "{\"type\":\"location\",\"latitude\":\"n\",\"data\":null,\"messageId\":[],\"errorRate\":\"x\",\"endpoint\":5}");

    @Test
    void neverA500() throws Exception {
        Receiver receiver = new Receiver();
        try (Emulator e = Emulator.builder().rateLimits(false).webhookUrl(receiver.url()).build().start()) {
            Http http = new Http(e.baseUrl(), e.defaultChannel().accessToken());
            Http control = new Http(e.baseUrl(), null);
            String u = control.post("/control/v1/users", "{\"displayName\":\"F\"}").json().path("userId").asText();
            String g = control.post("/control/v1/groups", "{\"members\":[\"" + u + "\"]}").json().path("groupId").asText();
            List<String[]> targets = new ArrayList<>();
            for (SpecCoverageTest.Op op : SpecCoverageTest.operations("messaging-api.yml")) {
                targets.add(new String[] {op.method(), op.path().replace("U" + "0".repeat(32), u)});
            }
            for (String p : List.of("/control/v1/users", "/control/v1/users/" + u + "/follow", "/control/v1/users/" + u + "/messages",
                    "/control/v1/users/" + u + "/postback", "/control/v1/users/" + u + "/unsend", "/control/v1/events",
                    "/control/v1/groups", "/control/v1/groups/" + g + "/messages", "/control/v1/faults",
                    "/control/v1/users/" + u + "/block", "/control/v1/users/" + u + "/unblock")) {
                targets.add(new String[] {"POST", p});
            }
            targets.add(new String[] {"PUT", "/control/v1/channels/" + e.defaultChannel().channelId() + "/settings"});
            List<String> failures = new ArrayList<>();
            for (String[] t : targets) {
                for (String body : BODIES) {
                    Http.Res r = http.send(HttpRequest.newBuilder(URI.create(e.baseUrl() + t[1]))
                            .header("Content-Type", "application/json")
                            .method(t[0], HttpRequest.BodyPublishers.ofString(body)), true);
                    if (r.status() >= 500 || r.json() == null && r.status() >= 400
                            || r.status() >= 400 && !r.json().path("message").isTextual()) {
                        failures.add(t[0] + " " + t[1] + " <- " + body + " : " + r.status() + " " + r.body());
                    }
                }
            }
            control.send(HttpRequest.newBuilder(URI.create(e.baseUrl() + "/control/v1/faults")).DELETE(), false);
            assertThat(failures).isEmpty();
        } finally {
            receiver.close();
        }
    }
}
