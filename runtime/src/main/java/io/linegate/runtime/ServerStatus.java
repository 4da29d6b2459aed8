package io.linegate.runtime;

import io.linegate.messaging.token.TokenManager;
import io.linegate.store.Store;
import io.linegate.store.TokenStore.StoredToken;
import io.linegate.webhook.Dispatcher;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code GET /admin/status} reports: how the running server is set up (for {@code linegate
 * preflight} and operators) and whether its store answers. Never a token, secret or body. Any host
 * serves it (the Armeria host on its admin listener).
 */
public final class ServerStatus {
    private static final Logger log = LoggerFactory.getLogger(ServerStatus.class);

    /** How the server sends: absent when it does not. */
    public record Sending(URI apiBase, TokenManager tokens, boolean fixedToken, boolean sharedRateLimits,
                   Duration apiLogRetention, String apiLogBodies) {}

    private final String bot;
    private final String webhookPath;
    private final String tls;
    private final Sending sending;
    private final Store store;
    private final Path dataDir;
    private final Dispatcher dispatcher;
    private final Clock clock;

    public ServerStatus(String bot, String webhookPath, String tls, Sending sending, Store store, Path dataDir,
                 Dispatcher dispatcher, Clock clock) {
        this.bot = bot;
        this.webhookPath = webhookPath;
        this.tls = tls;
        this.sending = sending;
        this.store = store;
        this.dataDir = dataDir;
        this.dispatcher = dispatcher;
        this.clock = clock;
    }

    /** The report, as JSON-ready maps and lists. */
    public Map<String, Object> report() {
        Instant now = clock.instant();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bot", bot);
        out.put("time", now.toString());
        Map<String, Object> webhook = new LinkedHashMap<>();
        webhook.put("path", webhookPath);
        webhook.put("tls", tls);
        webhook.put("signatureVerification", true); // WebhookReceiver has no way to turn it off
        out.put("webhook", webhook);
        out.put("sending", sending());
        out.put("tokens", sending == null ? null : tokens(now));
        out.put("apiLog", sending == null ? Map.of("on", false) : Map.of("on", true,
                "retention", sending.apiLogRetention().toString(), "bodies", sending.apiLogBodies()));
        out.put("backlog", dispatcher.backlog());
        out.put("store", store(out));
        return out;
    }

    private Map<String, Object> sending() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("on", sending != null);
        if (sending != null) {
            m.put("apiBase", sending.apiBase().toString());
            // MessageSender has no way to send a push, multicast, broadcast or narrowcast without a
            // retry key, nor to bypass its per-endpoint rate limiter.
            m.put("retryKeys", true);
            m.put("rateLimits", sending.sharedRateLimits() ? "shared by the processes of this store" : "per process");
        }
        return m;
    }

    private Map<String, Object> tokens(Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        TokenManager tokens = sending.tokens();
        if (tokens == null) {
            m.put("type", "fixed");
            m.put("managed", false);
            return m;
        }
        TokenManager.Kind kind = tokens.kind();
        m.put("type", name(kind));
        m.put("managed", kind != TokenManager.Kind.LONG_LIVED);
        if (kind == TokenManager.Kind.LONG_LIVED) {
            return m;
        }
        try {
            List<StoredToken> live = tokens.live();
            m.put("live", live.size());
            live.stream().map(StoredToken::expiresAt).max(Comparator.naturalOrder()).ifPresent(exp -> {
                m.put("expiresAt", exp.toString());
                m.put("remainingSeconds", Duration.between(now, exp).toSeconds());
            });
        } catch (RuntimeException e) {
            log.warn("admin status: could not read the stored tokens: {}", e.toString());
            m.put("error", "the store did not answer");
        }
        return m;
    }

    static String name(TokenManager.Kind kind) {
        switch (kind) {
            case LONG_LIVED: return "long-lived";
            case SHORT_LIVED: return "short-lived";
            case STATELESS: return "stateless";
            default: return "v2.1";
        }
    }

    /** Reads from the store (dead letters waiting), so "reachable" means it answered just now. */
    private Map<String, Object> store(Map<String, Object> out) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("location", store.location());
        try {
            out.put("deadLetters", store.deadLetters().waiting());
            m.put("reachable", true);
        } catch (RuntimeException e) {
            log.warn("admin status: the store did not answer: {}", e.toString());
            m.put("reachable", false);
            m.put("error", e.getClass().getSimpleName());
        }
        m.put("writable", store.writeHealth().writable());
        store.writeHealth().problem().ifPresent(p -> m.put("writeProblem", p));
        if (dataDir != null) {
            m.put("dataDir", dataDir.toAbsolutePath().toString());
            try {
                FileStore fs = Files.getFileStore(dataDir);
                m.put("usableBytes", fs.getUsableSpace());
                m.put("totalBytes", fs.getTotalSpace());
            } catch (IOException e) {
                m.put("diskError", e.getClass().getSimpleName());
            }
        }
        return m;
    }
}
