package io.linegate.bench;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Server;
import io.linegate.core.Secret;
import io.linegate.core.WebhookSignature;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * A reference point, not a competitor: a bare Armeria server on the same port that aggregates the
 * body, checks the signature (HMAC, as linegate does) and answers 200 with no journal, no access
 * log and no metrics. Its request rate under the same wrk load is the ceiling of HTTP + HMAC on this
 * machine, against which linegate's durable acknowledgement can be judged.
 */
final class Ceiling {
    private Ceiling() {
    }

    static void run(Args a) throws Exception {
        int port = a.integer("port", 18080);
        WebhookSignature signature = WebhookSignature.of(Secret.of(Args.secret(), "BENCH_CHANNEL_SECRET"));
        Server server = Server.builder()
                .http(new InetSocketAddress("127.0.0.1", port))
                .service("/webhook", (ctx, req) -> HttpResponse.of(req.aggregate().thenApply(agg -> {
                    boolean ok = signature.verify(agg.content().array(), agg.headers().get(WebhookSignature.HEADER)).isValid();
                    return ok ? HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, "{}")
                            : HttpResponse.of(HttpStatus.UNAUTHORIZED);
                })))
                .build();
        server.start().join();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop().join();
            stopped.countDown();
        }, "ceiling-shutdown"));
        System.out.printf("ceiling (bare Armeria + HMAC, nothing stored) ready on 127.0.0.1:%d%n", port);
        stopped.await();
    }
}
