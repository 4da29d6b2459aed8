package io.linegate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.Server;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** A bounded check of signed webhook deliveries per second to a trivial receiver ({@code -Dbench=true}). */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class WebhookThroughputCheck {
    @Test
    void deliveries() throws Exception {
        AtomicInteger received = new AtomicInteger();
        Server bot = Server.builder().http(new InetSocketAddress("127.0.0.1", 0))
                .service("/callback", (ctx, req) -> HttpResponse.of(req.aggregate().thenApply(a -> {
                    received.incrementAndGet();
                    return HttpResponse.of(HttpStatus.OK);
                }))).build();
        bot.start().join();
        EmulatorConfig cfg = new EmulatorConfig();
        cfg.maxEventsPerWebhook = 1; // one event per request: count requests, not events
        try (Emulator e = Emulator.builder().config(cfg).webhookUrl("http://127.0.0.1:" + bot.activeLocalPort() + "/callback").build().start()) {
            Http control = new Http(e.baseUrl(), null);
            String u = control.post("/control/v1/users", "{\"displayName\":\"L\"}").json().path("userId").asText();
            StringBuilder events = new StringBuilder("{\"events\":[");
            for (int i = 0; i < 1000; i++) {
                events.append(i == 0 ? "" : ",").append("{\"type\":\"postback\",\"postback\":{\"data\":\"").append(i)
                        .append("\"},\"source\":{\"type\":\"user\",\"userId\":\"").append(u).append("\"}}");
            }
            String body = events.append("]}").toString();
            int batches = Integer.getInteger("bench.batches", 40);
            long t0 = System.nanoTime();
            for (int i = 0; i < batches; i++) {
                control.post("/control/v1/events", body);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (received.get() < batches * 1000 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("webhooks: %d delivered in %.2f s = %.0f/s%n", received.get(), secs, received.get() / secs);
            assertThat(received.get()).isEqualTo(batches * 1000);
        } finally {
            bot.close();
        }
    }
}
