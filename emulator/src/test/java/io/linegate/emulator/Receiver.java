package io.linegate.emulator;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.Server;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A bot's webhook endpoint for tests: records every request, answers a settable status after a settable delay. */
final class Receiver implements AutoCloseable {
    final BlockingQueue<AggregatedHttpRequest> requests = new LinkedBlockingQueue<>();
    volatile int status = 200;
    volatile long delayMs;
    private final Server server;

    Receiver() {
        server = Server.builder()
                .http(new InetSocketAddress("127.0.0.1", 0))
                .service("/callback", (ctx, req) -> HttpResponse.of(req.aggregate().thenCompose(agg -> {
                    // The answer is fixed when the request is recorded, so a test that changes the
                    // status after take() affects only later requests.
                    int answer = status;
                    long delay = delayMs;
                    requests.add(agg);
                    CompletableFuture<HttpResponse> f = new CompletableFuture<>();
                    ctx.eventLoop().schedule(() -> f.complete(HttpResponse.of(HttpStatus.valueOf(answer))),
                            delay, TimeUnit.MILLISECONDS);
                    return f;
                })))
                .requestTimeout(Duration.ofSeconds(30))
                .build();
        server.start().join();
    }

    String url() {
        return "http://127.0.0.1:" + server.activeLocalPort() + "/callback";
    }

    AggregatedHttpRequest take() throws InterruptedException {
        AggregatedHttpRequest r = requests.poll(10, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no webhook within 10 s");
        }
        return r;
    }

    /** Creates a user who befriends the bot, and takes the follow webhook this receiver gets for it. */
    String friend(Http control, String name) throws InterruptedException {
        String u = control.post("/control/v1/users", "{\"displayName\":\"" + name + "\"}").json().path("userId").asText();
        control.post("/control/v1/users/" + u + "/follow", "");
        take();
        return u;
    }

    @Override
    public void close() {
        server.stop(); // Not joined: the port is ephemeral, and a stop waits about 2 s for Netty's idle boss loop after the last request.
    }
}
