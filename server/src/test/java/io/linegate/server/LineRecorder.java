package io.linegate.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.linegate.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What reaches LINE, counted where it arrives: a pass-through in front of the emulator that records,
 * for every push, when it arrived, its recipient, its text, its retry key and the emulator's answer.
 */
public final class LineRecorder implements AutoCloseable {
    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive");

    /** One push request as LINE saw it; {@code atNanos} is this JVM's {@link System#nanoTime()} on arrival. */
    public record Push(long atNanos, String to, String text, String retryKey, int status) {}

    private final URI target;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(16);
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    public final List<Push> pushes = new CopyOnWriteArrayList<>();

    public LineRecorder(URI target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.setExecutor(executor);
        server.createContext("/", this::forward);
        server.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void forward(HttpExchange ex) throws IOException {
        long arrived = System.nanoTime();
        try (ex) {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            String path = ex.getRequestURI().toString();
            HttpRequest.Builder req = HttpRequest.newBuilder(target.resolve(path)).timeout(Duration.ofSeconds(30))
                    .method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
                if (!NOT_FORWARDED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                    h.getValue().forEach(v -> req.header(h.getKey(), v));
                }
            }
            HttpResponse<byte[]> res;
            try {
                res = client.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            if (ex.getRequestMethod().equals("POST") && path.startsWith("/v2/bot/message/push")) {
                JsonNode json = Json.mapper().readTree(body);
                pushes.add(new Push(arrived, json.path("to").asText(), json.path("messages").path(0).path("text").asText(),
                        ex.getRequestHeaders().getFirst("X-Line-Retry-Key"), res.statusCode()));
            }
            res.headers().map().forEach((k, v) -> {
                if (!NOT_FORWARDED.contains(k.toLowerCase(Locale.ROOT)) && !k.startsWith(":")) {
                    v.forEach(value -> ex.getResponseHeaders().add(k, value));
                }
            });
            ex.sendResponseHeaders(res.statusCode(), res.body().length == 0 ? -1 : res.body().length);
            if (res.body().length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(res.body());
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
