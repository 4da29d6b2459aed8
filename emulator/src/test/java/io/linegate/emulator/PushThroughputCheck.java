package io.linegate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A bounded throughput check of push with rate limits off (run with {@code -Dbench=true}); the
 * benchmark proper lives under bench/. Bounded in count and time: the machine is shared.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class PushThroughputCheck {
    @Test
    void pushes() throws Exception {
        EmulatorConfig cfg = new EmulatorConfig();
        cfg.validateRequests = Boolean.parseBoolean(System.getProperty("bench.validate", "true"));
        try (Emulator e = Emulator.builder().config(cfg).rateLimits(false).build().start()) {
            WebClient client = WebClient.of(e.baseUrl());
            String user = "U" + "0".repeat(32);
            byte[] body = ("{\"to\":\"" + user + "\",\"messages\":[{\"type\":\"text\",\"text\":\"hello\"}]}").getBytes();
            int total = Integer.getInteger("bench.requests", 20_000);
            Semaphore inFlight = new Semaphore(128);
            AtomicInteger ok = new AtomicInteger();
            long t0 = System.nanoTime();
            for (int i = 0; i < total; i++) {
                inFlight.acquire();
                RequestHeaders h = RequestHeaders.builder(HttpMethod.POST, "/v2/bot/message/push")
                        .contentType(MediaType.JSON).add("authorization", "Bearer " + e.defaultChannel().accessToken()).build();
                CompletableFuture<AggregatedHttpResponse> f = client.execute(HttpRequest.of(h, com.linecorp.armeria.common.HttpData.wrap(body))).aggregate();
                f.whenComplete((r, t) -> {
                    if (r != null && r.status().code() == 200) {
                        ok.incrementAndGet();
                    }
                    inFlight.release();
                });
                if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(30)) {
                    break;
                }
            }
            inFlight.acquire(128);
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("push: %d ok in %.2f s = %.0f req/s%n", ok.get(), secs, ok.get() / secs);
            assertThat(ok.get()).isGreaterThan(0);
        }
    }
}
