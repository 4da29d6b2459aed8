package io.linegate.bench;

import com.linecorp.bot.parser.LineSignatureValidator;
import com.linecorp.bot.parser.WebhookParseException;
import com.linecorp.bot.parser.WebhookParser;
import com.linecorp.bot.webhook.model.CallbackRequest;
import com.linecorp.bot.webhook.model.Event;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The baseline: how the official SDK processes webhooks. A plain Jetty 12 handler (what a servlet
 * or a Spring controller boils down to) verifies the signature and parses the body with
 * {@code line-bot-parser} 9.14.0's {@link WebhookParser}, runs the same handler (sleep
 * {@code --handler-ms}, count by webhookEventId) for each event on the request thread, and only
 * then answers 200. Nothing is persisted; Jetty's default pool of 200 threads (Spring Boot's
 * Tomcat default is also 200).
 */
final class Baseline {
    private Baseline() {
    }

    static void run(Args a) throws Exception {
        int port = a.integer("port", 18081);
        int statsPort = a.integer("stats-port", 18091);
        long handlerMs = a.lng("handler-ms", 50);
        int maxThreads = a.integer("max-threads", 200);

        EventCounter counter = new EventCounter();
        WebhookParser parser = new WebhookParser(
                new LineSignatureValidator(Args.secret().getBytes(StandardCharsets.US_ASCII)));

        QueuedThreadPool pool = new QueuedThreadPool(maxThreads);
        pool.setName("baseline");
        Server server = new Server(pool);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() { // blocking handler: runs on a pool thread
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                if (!"POST".equals(request.getMethod()) || !"/webhook".equals(request.getHttpURI().getPath())) {
                    Response.writeError(request, response, callback, 404);
                    return true;
                }
                byte[] body = Content.Source.asInputStream(request).readAllBytes();
                String signature = request.getHeaders().get(WebhookParser.SIGNATURE_HEADER_NAME);
                CallbackRequest cb;
                try {
                    cb = parser.handle(signature, body);
                } catch (WebhookParseException e) {
                    response.setStatus(400);
                    Content.Sink.write(response, true, "{\"message\":\"bad request\"}", callback);
                    return true;
                }
                for (Event event : cb.events()) {
                    if (handlerMs > 0) {
                        Thread.sleep(handlerMs);
                    }
                    counter.record(event.webhookEventId());
                }
                response.setStatus(200);
                response.getHeaders().put("content-type", "application/json");
                Content.Sink.write(response, true, "{}", callback);
                return true;
            }
        });
        server.start();
        var stats = counter.serve(statsPort);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stats.stop(0);
            try {
                server.stop();
            } catch (Exception ignored) {
                // exiting anyway
            }
        }, "baseline-shutdown"));
        System.out.printf("baseline (jetty + line-bot-parser) ready on 127.0.0.1:%d (stats %d, handler %d ms, %d threads)%n",
                port, statsPort, handlerMs, maxThreads);
        server.join();
    }
}
