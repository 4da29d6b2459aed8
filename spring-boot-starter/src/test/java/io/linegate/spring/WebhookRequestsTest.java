package io.linegate.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.observation.ObservationRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.mock.web.MockHttpServletRequest;

/** The requests kept for handlers: the newest {@code max-kept} events', without a lock on the webhook path. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class WebhookRequestsTest {
    static byte[] body(String eventId) {
        return ("{\"destination\":\"U0\",\"events\":[{\"type\":\"message\",\"webhookEventId\":\"" + eventId + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static WebhookRequests keeping(int maxKept) {
        LinegateProperties.RequestCapture settings = new LinegateProperties.RequestCapture();
        settings.setMaxKept(maxKept);
        return new WebhookRequests(settings, Map.of("default", "/callback"), () -> ObservationRegistry.NOOP);
    }

    static CapturedRequest request(WebhookRequests requests, String path) {
        return requests.capture(new MockHttpServletRequest("POST", path));
    }

    @Test
    void theNewestEventsAreKeptAndTheOldestForgotten() {
        WebhookRequests requests = keeping(3);
        for (int i = 1; i <= 5; i++) {
            requests.keep("default", body("e" + i), request(requests, "/callback"));
        }
        assertThat(requests.find("default", "e1")).isNull();
        assertThat(requests.find("default", "e2")).isNull();
        assertThat(requests.find("default", "e3")).isNotNull();
        assertThat(requests.find("default", "e5")).isNotNull();
        assertThat(requests.find("other", "e5")).as("kept per channel").isNull();
    }

    @Test
    void anEventKeptAgainIsNotForgottenWithItsEarlierRequest() {
        WebhookRequests requests = keeping(3);
        requests.keep("default", body("e1"), request(requests, "/callback"));
        requests.keep("default", body("e2"), request(requests, "/callback"));
        requests.keep("default", body("e3"), request(requests, "/callback"));
        CapturedRequest redelivered = request(requests, "/callback");
        requests.keep("default", body("e1"), redelivered); // LINE redelivers e1: its first request leaves the ring
        assertThat(requests.find("default", "e1")).isSameAs(redelivered);
        assertThat(requests.find("default", "e2")).isNotNull();
    }

    @Test
    void aRefusedWebhooksRequestIsForgotten() {
        WebhookRequests requests = keeping(3);
        WebhookRequests.Kept kept = requests.keep("default", body("e1"), request(requests, "/callback"));
        requests.forget(kept);
        assertThat(requests.find("default", "e1")).isNull();
    }

    @Test
    void manyThreadsKeepingAtOnceLeaveAtMostTheNewestMaxKept() throws Exception {
        WebhookRequests requests = keeping(64);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    CapturedRequest captured = request(requests, "/callback");
                    for (int i = 0; i < 5_000; i++) {
                        requests.keep("default", body(thread + "-" + i), captured);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        int found = 0;
        for (int t = 0; t < 8; t++) {
            for (int i = 0; i < 5_000; i++) {
                found += requests.find("default", t + "-" + i) == null ? 0 : 1;
            }
        }
        assertThat(found).as("40,000 kept, the newest 64 at most remain").isBetween(1, 64);
    }
    @Test
    void theKeptHeadersAreBoundedAndNeverCredentialsOrTheSignature() {
        LinegateProperties.RequestCapture settings = new LinegateProperties.RequestCapture();
        settings.setMaxHeaderBytes(200);
        WebhookRequests requests = new WebhookRequests(settings, Map.of("default", "/callback"), () -> ObservationRegistry.NOOP);
        MockHttpServletRequest req = new MockHttpServletRequest("POST", "/callback");
        req.addHeader("Authorization", "Bearer a-token");
        req.addHeader("x-line-signature", "c2lnbmF0dXJl");
        req.addHeader("Cookie", "session=1");
        req.addHeader("X-Forwarded-For", "203.0.113.7");
        req.addHeader("X-Forwarded-For", "198.51.100.1");
        req.addHeader("User-Agent", "LineBotWebhook/2.0");
        for (int i = 0; i < 100; i++) {
            req.addHeader("X-Filler-" + i, "0123456789");
        }
        CapturedRequest captured = requests.capture(req);
        assertThat(captured.headers()).doesNotContainKeys("authorization", "x-line-signature", "cookie");
        assertThat(captured.headers().get("x-forwarded-for")).as("every value, in order")
                .containsExactly("203.0.113.7", "198.51.100.1");
        assertThat(captured.headers().get("user-agent")).containsExactly("LineBotWebhook/2.0");
        int bytes = captured.headers().entrySet().stream()
                .mapToInt(e -> e.getValue().stream().mapToInt(v -> e.getKey().length() + v.length() + 4).sum()).sum();
        assertThat(bytes).as("names and values kept, within max-header-bytes").isBetween(150, 200);
        assertThat(captured.headers()).as("the rest left out").doesNotContainKey("x-filler-99");
        assertThatThrownBy(() -> captured.headers().put("x-later", List.of("no"))).isInstanceOf(UnsupportedOperationException.class);
    }
}
