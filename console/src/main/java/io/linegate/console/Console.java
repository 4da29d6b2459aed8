package io.linegate.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.core.Defaults;
import io.linegate.core.Json;
import io.linegate.core.Secret;
import io.linegate.messaging.campaign.Campaigns;
import io.linegate.store.CampaignStore;
import io.linegate.runtime.WrongTokenLimit;
import io.linegate.store.ApiRequestLog;
import io.linegate.store.Cluster;
import io.linegate.store.DeadLetters;
import io.linegate.store.DeadLetters.DeadLetter;
import io.linegate.store.DeadLetters.Filter;
import io.linegate.store.OperatorControls;
import io.linegate.store.Store;
import io.linegate.webhook.ConversationKey;
import io.linegate.webhook.Dispatcher;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator console: pages in the browser over the process's own figures, its dead letters and its
 * switches, apart from any HTTP server. A host (the Armeria server's admin listener, the Spring Boot
 * starter) hands each request under the console's base path to {@link #handle} and writes the answer
 * back as it is; {@link #start} begins sampling the meters for the charts and {@link #close} ends it.
 *
 * <p>Safe by default: the admin token is asked once and exchanged for a session cookie (HttpOnly,
 * SameSite=Strict, Secure over TLS, ended after {@link Builder#idleExpiry} without use); every change
 * needs the session's CSRF token in a header and a JSON body, so a form on another site changes nothing;
 * wrong tokens are limited per address; scripts and styles are files served here (a content security
 * policy forbids inline ones and anything from elsewhere); every change is written to the store's
 * operator audit with who made it.
 */
public final class Console implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Console.class);
    /** The largest request body the console reads; a host refuses more before calling {@link #handle}. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    static final int MAX_PAGE = 200;
    /** The most dead letters one replay of "all matching" puts back; the operator repeats it for more. */
    static final int MAX_REPLAY = 1_000;
    static final String COOKIE = "linegate_console";
    private static final String JSON = "application/json; charset=utf-8";

    private final Store store;
    private final OperatorControls controls;
    private final DeadLetters deadLetters;
    private final CampaignStore campaigns;
    private final Dispatcher dispatcher;
    private final Secret adminToken;
    private final Supplier<Map<String, Object>> status;
    private final boolean secure;
    private final String basePath;
    private final Clock clock;
    private final Sessions sessions;
    private final WrongTokenLimit signInLimit = new WrongTokenLimit();
    private final Samples samples;
    private ScheduledExecutorService sampler;
    private volatile Map<String, Object> cachedStatus;
    private volatile long cachedAt;

    private Console(Builder b) {
        this.store = b.store;
        this.controls = b.store.controls();
        this.deadLetters = b.store.deadLetters();
        this.campaigns = b.store.campaigns();
        this.dispatcher = b.dispatcher;
        this.adminToken = b.adminToken;
        this.status = b.status;
        this.secure = b.secure;
        this.basePath = b.basePath;
        this.clock = b.clock;
        this.sessions = new Sessions(b.idle, b.absolute, clock::millis);
        this.samples = new Samples(b.registry, clock::millis);
    }

    /** A console over {@code store} and {@code dispatcher}, behind {@code adminToken}, charting {@code registry}. */
    public static Builder builder(Store store, Dispatcher dispatcher, Secret adminToken, MeterRegistry registry) {
        return new Builder(store, dispatcher, adminToken, registry);
    }

    /** The base path the console is served under, such as {@code /console}. */
    public String basePath() {
        return basePath;
    }

    /** Starts sampling the meters once a second, on a daemon thread of its own. */
    public synchronized Console start() {
        if (sampler == null) {
            sampler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "linegate-console-sampler");
                t.setDaemon(true);
                return t;
            });
            sampler.scheduleAtFixedRate(() -> {
                try {
                    samples.take();
                } catch (RuntimeException e) {
                    log.warn("console: could not sample the meters: {}", e.toString());
                }
            }, 0, 1, TimeUnit.SECONDS);
        }
        return this;
    }

    @Override
    public synchronized void close() {
        if (sampler != null) {
            sampler.shutdownNow();
            sampler = null;
        }
    }

    /** Answers one request; never throws, and never answers with a stack trace or a secret. */
    public ConsoleResponse handle(ConsoleRequest req) {
        try {
            return route(req);
        } catch (BadInput e) {
            return error(e.status, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("console: {} {} failed: {}", req.method(), req.path(), e.toString());
            return error(503, "The console could not answer (the store did not); try again");
        }
    }

    private ConsoleResponse route(ConsoleRequest req) {
        if (req.path().isEmpty()) { // the page's relative links need the slash
            return ConsoleResponse.of(308, "text/plain; charset=utf-8", new byte[0], Map.of("location", basePath + "/"));
        }
        String path = req.path();
        String method = req.method();
        if (!path.startsWith("/api/")) {
            if (!method.equals("GET") && !method.equals("HEAD")) {
                return error(405, "Method not allowed");
            }
            switch (path) {
                case "/": case "/index.html": return asset("console.html", "text/html; charset=utf-8");
                case "/console.js": return asset("console.js", "text/javascript; charset=utf-8");
                case "/console.css": return asset("console.css", "text/css; charset=utf-8");
                default: return error(404, "No such page: " + cut(path, 60));
            }
        }
        if (path.equals("/api/signin")) {
            requireMethod(method, "POST");
            return signIn(req);
        }
        Optional<Sessions.Session> found = sessions.find(cookie(req.header("cookie")));
        if (found.isEmpty()) {
            return error(401, "Sign in first (or again: the session ended)");
        }
        Sessions.Session session = found.get();
        if (method.equals("POST")) {
            checkChange(req, session);
        } else if (!method.equals("GET")) {
            return error(405, "Method not allowed");
        }
        Query q = new Query(req.query());
        switch (path) {
            case "/api/session":
                return json(200, Map.of("actor", session.actor(), "csrf", session.csrf(),
                        "idleSeconds", sessions.idle().toSeconds()));
            case "/api/signout":
                requireMethod(method, "POST");
                sessions.close(session.id());
                controls.audit(session.actor(), "sign-out", null, null);
                return ConsoleResponse.of(200, JSON, "{}".getBytes(StandardCharsets.UTF_8),
                        Map.of("set-cookie", COOKIE + "=; Path=" + cookiePath() + "; Max-Age=0; HttpOnly; SameSite=Strict"
                                + (secure ? "; Secure" : "")));
            case "/api/overview":
                return json(200, overview(q.number("since", 0, Long.MAX_VALUE, 0)));
            case "/api/dead":
                return json(200, deadPage(q));
            case "/api/dead/count":
                return json(200, Map.of("count", deadLetters.count(filter(q))));
            case "/api/dead/replay":
                requireMethod(method, "POST");
                return replay(body(req), session);
            case "/api/calls":
                return json(200, callPage(q));
            case "/api/switches":
                return json(200, switches());
            case "/api/mute":
                requireMethod(method, "POST");
                return mute(body(req), session);
            case "/api/maintenance":
                requireMethod(method, "POST");
                return maintenance(body(req), session);
            case "/api/campaigns":
                return json(200, campaignList());
            case "/api/campaigns/change":
                requireMethod(method, "POST");
                return changeCampaign(body(req), session);
            default:
                if (path.startsWith("/api/dead/") && method.equals("GET")) {
                    return deadLetter(path.substring("/api/dead/".length()));
                }
                if (path.startsWith("/api/calls/") && method.equals("GET")) {
                    return attempts(path.substring("/api/calls/".length()));
                }
                return error(404, "No such console operation: " + cut(path, 60));
        }
    }

    // --- sign-in -----------------------------------------------------------------------------------

    private ConsoleResponse signIn(ConsoleRequest req) {
        String client = req.clientAddress() == null ? "?" : req.clientAddress();
        checkSameOrigin(req);
        String auth = req.header("authorization");
        if (!auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return error(401, "Admin token required");
        }
        if (!adminToken.matches(auth.substring(7))) {
            if (signInLimit.exhausted(client)) {
                return ConsoleResponse.of(429, JSON, errorBody("Too many failed authentications; try again later"),
                        Map.of("retry-after", "1"));
            }
            signInLimit.failed(client);
            log.info("console: wrong admin token from {}; answered 401", client);
            return error(401, "The admin token does not match");
        }
        JsonNode body = body(req);
        String name = body.path("name").asText("").strip();
        if (name.length() > 40 || !name.matches("[\\p{L}\\p{N} ._@-]*")) {
            throw new BadInput(400, "name must be at most 40 letters, digits, spaces or . _ @ -");
        }
        String actor = "console" + (name.isEmpty() ? "" : ":" + name) + " from " + client;
        Sessions.Session s = sessions.open(actor);
        controls.audit(actor, "sign-in", null, null);
        String cookie = COOKIE + "=" + s.id() + "; Path=" + cookiePath() + "; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "");
        return ConsoleResponse.of(200, JSON, write(Map.of("actor", actor, "csrf", s.csrf())), Map.of("set-cookie", cookie));
    }

    private String cookiePath() {
        return basePath.isEmpty() ? "/" : basePath;
    }

    static String cookie(String header) {
        for (String part : header.split(";")) {
            String p = part.strip();
            if (p.startsWith(COOKIE + "=")) {
                return p.substring(COOKIE.length() + 1);
            }
        }
        return null;
    }

    /**
     * A change must come from the console's own page: the session's CSRF token in {@code X-CSRF-Token},
     * a JSON body (which a plain HTML form cannot send), and no sign of another origin.
     */
    private void checkChange(ConsoleRequest req, Sessions.Session session) {
        checkSameOrigin(req);
        if (!Sessions.same(session.csrf(), req.header("x-csrf-token"))) {
            log.info("console: {} {} from {} without the session's CSRF token; answered 403", req.method(), req.path(),
                    req.clientAddress());
            throw new BadInput(403, "This change needs the console page's CSRF token");
        }
        if (!req.header("content-type").toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new BadInput(415, "A change is sent as application/json");
        }
    }

    private static void checkSameOrigin(ConsoleRequest req) {
        String site = req.header("sec-fetch-site");
        if (!site.isEmpty() && !site.equals("same-origin")) {
            throw new BadInput(403, "Changes come from the console's own page only");
        }
        String origin = req.header("origin");
        if (!origin.isEmpty()) {
            String authority;
            try {
                authority = URI.create(origin).getRawAuthority();
            } catch (IllegalArgumentException e) {
                authority = null;
            }
            if (authority == null || !authority.equalsIgnoreCase(req.header("host"))) {
                throw new BadInput(403, "Changes come from the console's own page only");
            }
        }
    }

    // --- overview ----------------------------------------------------------------------------------

    private Map<String, Object> overview(long since) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("time", clock.instant().toString());
        List<Map<String, Object>> series = new ArrayList<>();
        for (Samples.Sample s : samples.since(since)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("at", s.at());
            m.put("webhooks", s.webhooks());
            m.put("ackP50", s.ackP50());
            m.put("ackP99", s.ackP99());
            m.put("received", s.received());
            m.put("processed", s.processed());
            m.put("backlog", s.backlog());
            m.put("lag", s.lag());
            m.put("line", s.line());
            series.add(m);
        }
        out.put("samples", series);
        out.put("lineLimits", samples.limits());
        out.put("status", status());
        Map<String, Object> switches = new LinkedHashMap<>();
        switches.put("maintenance", controls.controls(OperatorControls.MAINTENANCE).contains("on"));
        switches.put("muted", controls.controls(OperatorControls.MUTE).size());
        out.put("switches", switches);
        Cluster cluster = store.cluster();
        if (cluster.shared()) {
            List<Map<String, Object>> nodes = new ArrayList<>();
            Cluster.Snapshot snap = cluster.snapshot();
            for (Cluster.Node n : snap.nodes()) {
                nodes.add(Map.of("id", n.id(), "lastSeen", n.lastSeen().toString(), "partitions", new TreeSet<>(n.partitions())));
            }
            out.put("cluster", Map.of("node", cluster.nodeId(), "nodes", nodes, "unsplit", snap.unsplit(),
                    "unowned", snap.unowned()));
        }
        return out;
    }

    /** The host's status report, read at most once a second however many pages poll it. */
    private Map<String, Object> status() {
        long now = clock.millis();
        Map<String, Object> s = cachedStatus;
        if (s == null || now - cachedAt >= 1_000) {
            s = status.get();
            cachedStatus = s;
            cachedAt = now;
        }
        return s;
    }

    // --- dead letters ------------------------------------------------------------------------------

    private Filter filter(Query q) {
        String lane = q.text("conversation", 80);
        if (lane != null && !lane.isEmpty()) {
            lane = ConversationKey.ofOperatorInput(lane).map(ConversationKey::key).orElseThrow(() -> new BadInput(400,
                    "conversation must be a LINE user, group or room id (U…, C…, R…) or its user:/group:/room: key"));
        }
        return new Filter(q.flag("waiting"), lane, q.text("q", 200));
    }

    private Map<String, Object> deadPage(Query q) {
        Filter filter = filter(q);
        long before = q.number("before", 1, Long.MAX_VALUE, Long.MAX_VALUE);
        int limit = (int) q.number("limit", 1, MAX_PAGE, 50);
        List<DeadLetter> page = deadLetters.page(filter, before, limit);
        List<Map<String, Object>> items = new ArrayList<>();
        for (DeadLetter d : page) {
            items.add(summary(d));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        out.put("next", page.size() == limit ? page.get(page.size() - 1).id() : null);
        return out;
    }

    private static Map<String, Object> summary(DeadLetter d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("eventId", d.eventId());
        m.put("conversation", d.lane());
        m.put("type", type(d));
        m.put("attempts", d.attempts());
        m.put("reason", d.error() == null ? "" : cut(d.error(), 300));
        m.put("failedAt", d.failedAt().toString());
        m.put("replayedAt", d.replayedAt() == null ? null : d.replayedAt().toString());
        return m;
    }

    private static String type(DeadLetter d) {
        if ("unparsed".equals(d.lane())) {
            return "(body that did not parse)";
        }
        try {
            return Json.mapper().readTree(d.payload()).path("type").asText("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private ConsoleResponse deadLetter(String idText) {
        long id = wholeNumber(idText, "a dead letter's id");
        Optional<DeadLetter> d = deadLetters.get(id);
        if (d.isEmpty()) {
            return error(404, "No dead letter " + id);
        }
        Map<String, Object> out = summary(d.get());
        out.put("reason", d.get().error() == null ? "" : cut(d.get().error(), 4_000));
        out.put("body", Redaction.redact(d.get().payload()));
        return json(200, out);
    }

    private ConsoleResponse replay(JsonNode body, Sessions.Session session) {
        List<Long> ids = new ArrayList<>();
        long matched;
        if (body.has("ids")) {
            if (!body.get("ids").isArray() || body.get("ids").isEmpty() || body.get("ids").size() > MAX_PAGE) {
                throw new BadInput(400, "ids must be a list of 1 to " + MAX_PAGE + " dead letter ids");
            }
            for (JsonNode n : body.get("ids")) {
                if (!n.canConvertToLong() || n.asLong() < 1) {
                    throw new BadInput(400, "ids must be dead letter ids (whole numbers from 1)");
                }
                ids.add(n.asLong());
            }
            matched = ids.size();
        } else if (body.has("filter")) {
            JsonNode f = body.get("filter");
            Map<String, String> params = new LinkedHashMap<>();
            params.put("conversation", f.path("conversation").asText(""));
            params.put("q", f.path("q").asText(""));
            Filter filter = filter(new Query(params));
            filter = new Filter(true, filter.lane(), filter.text()); // what waits, never a second replay
            matched = deadLetters.count(filter);
            if (!body.path("expected").canConvertToLong() || body.path("expected").asLong() != matched) {
                throw new BadInput(409, matched + " dead letters match now, not the " + body.path("expected").asText("?")
                        + " you confirmed; look again before replaying");
            }
            long before = Long.MAX_VALUE;
            while (ids.size() < MAX_REPLAY) {
                List<DeadLetter> page = deadLetters.page(filter, before, Math.min(MAX_PAGE, MAX_REPLAY - ids.size()));
                if (page.isEmpty()) {
                    break;
                }
                page.forEach(d -> ids.add(d.id()));
                before = page.get(page.size() - 1).id();
            }
        } else {
            throw new BadInput(400, "say which dead letters: ids, or filter with expected (the count you confirmed)");
        }
        List<Long> replayed = new ArrayList<>();
        List<Long> notWaiting = new ArrayList<>();
        for (long id : ids) {
            Optional<Long> seq = deadLetters.replay(id).join();
            if (seq.isPresent()) {
                replayed.add(id);
                controls.audit(session.actor(), "replay", "dead letter " + id, "event " + seq.get());
            } else {
                notWaiting.add(id);
            }
        }
        if (!replayed.isEmpty()) {
            dispatcher.appended();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("matched", matched);
        out.put("replayed", replayed);
        out.put("notWaiting", notWaiting);
        out.put("more", matched > ids.size());
        return json(200, out);
    }

    // --- LINE API log -----------------------------------------------------------------------------

    private ApiRequestLog.Search search(Query q) {
        Integer[] status = statusRange(q.text("status", 9));
        return new ApiRequestLog.Search(q.instant("from"), q.instant("to"), blankToNull(q.text("endpoint", 200)),
                status[0], status[1], blankToNull(q.text("retryKey", 100)), blankToNull(q.text("requestId", 100)));
    }

    /** {@code 429}, {@code 5xx}, {@code 400-499}, or nothing; 0 is an attempt that got no answer. */
    static Integer[] statusRange(String text) {
        if (text == null || text.isEmpty()) {
            return new Integer[] {null, null};
        }
        String t = text.toLowerCase(Locale.ROOT);
        try {
            if (t.matches("[1-5]xx")) {
                int base = (t.charAt(0) - '0') * 100;
                return new Integer[] {base, base + 99};
            }
            if (t.matches("\\d{1,3}-\\d{1,3}")) {
                int dash = t.indexOf('-');
                int from = Integer.parseInt(t.substring(0, dash));
                int to = Integer.parseInt(t.substring(dash + 1));
                if (from <= to) {
                    return new Integer[] {from, to};
                }
            } else if (t.matches("\\d{1,3}")) {
                int s = Integer.parseInt(t);
                return new Integer[] {s, s};
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new BadInput(400, "status must be a status (429), a class (5xx) or a range (400-499), was \"" + cut(text, 20) + "\"");
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private Map<String, Object> callPage(Query q) {
        ApiRequestLog.Search search = search(q);
        ApiRequestLog.Position after = position(q.text("after", 40));
        int limit = (int) q.number("limit", 1, MAX_PAGE, 50);
        List<ApiRequestLog.Logged> page = store.apiRequests().search(search, after, limit);
        List<Map<String, Object>> items = new ArrayList<>();
        for (ApiRequestLog.Logged l : page) {
            items.add(call(l, 300));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        ApiRequestLog.Logged last = page.isEmpty() ? null : page.get(page.size() - 1);
        out.put("next", page.size() == limit ? last.call().at().toEpochMilli() + "." + last.id() : null);
        return out;
    }

    /** A page's place, as the previous page's {@code next} gave it: {@code <epoch ms>.<id>}. */
    private static ApiRequestLog.Position position(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        int dot = text.indexOf('.');
        if (dot > 0 && dot < 16 && text.length() - dot - 1 <= 18 && text.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9')
                && text.indexOf('.', dot + 1) < 0) {
            return new ApiRequestLog.Position(Instant.ofEpochMilli(Long.parseLong(text.substring(0, dot))),
                    Long.parseLong(text.substring(dot + 1)));
        }
        throw new BadInput(400, "after must be the next value of the previous page, was \"" + cut(text, 40) + "\"");
    }

    private ConsoleResponse attempts(String idText) {
        long id = wholeNumber(idText, "an API log row's id");
        List<ApiRequestLog.Logged> attempts = store.apiRequests().attempts(id, MAX_PAGE);
        if (attempts.isEmpty()) {
            return error(404, "No API log row " + id);
        }
        List<Map<String, Object>> items = new ArrayList<>();
        for (ApiRequestLog.Logged l : attempts) {
            Map<String, Object> m = call(l, 8_000);
            m.put("requestBody", l.call().requestBody() == null ? null : Redaction.redact(l.call().requestBody()));
            items.add(m);
        }
        return json(200, Map.of("id", id, "attempts", items));
    }

    private static Map<String, Object> call(ApiRequestLog.Logged l, int errorChars) {
        ApiRequestLog.ApiCall c = l.call();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", l.id());
        m.put("at", c.at().toString());
        m.put("method", c.method());
        m.put("endpoint", c.endpoint());
        m.put("status", c.status());
        m.put("latencyMs", c.latencyMs());
        m.put("requestId", c.requestId());
        m.put("acceptedRequestId", c.acceptedRequestId());
        m.put("retryKey", c.retryKey());
        m.put("attempt", c.attempt());
        m.put("error", c.error() == null ? null : cut(c.error(), errorChars));
        return m;
    }

    // --- switches ----------------------------------------------------------------------------------

    private Map<String, Object> switches() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("maintenance", controls.controls(OperatorControls.MAINTENANCE).contains("on"));
        out.put("muted", new TreeSet<>(controls.controls(OperatorControls.MUTE)));
        List<Map<String, Object>> audit = new ArrayList<>();
        for (OperatorControls.AuditEntry e : controls.auditTrail(100)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("at", e.at().toString());
            m.put("actor", e.actor());
            m.put("action", e.action());
            m.put("subject", e.subject());
            m.put("detail", e.detail());
            audit.add(m);
        }
        out.put("audit", audit);
        return out;
    }

    private ConsoleResponse mute(JsonNode body, Sessions.Session session) {
        String source = body.path("source").asText("");
        String key = ConversationKey.ofOperatorInput(source).map(ConversationKey::key).orElseThrow(() -> new BadInput(400,
                "source must be a LINE user, group or room id (U…, C…, R… with 32 hexadecimal digits) or its user:/group:/room: key"));
        if (!body.path("muted").isBoolean()) {
            throw new BadInput(400, "muted must be true or false");
        }
        boolean on = body.get("muted").asBoolean();
        controls.setControl(OperatorControls.MUTE, key, on);
        dispatcher.refreshControls();
        controls.audit(session.actor(), on ? "mute" : "unmute", key, null);
        return json(200, switches());
    }

    private ConsoleResponse maintenance(JsonNode body, Sessions.Session session) {
        if (!body.path("on").isBoolean()) {
            throw new BadInput(400, "on must be true or false");
        }
        boolean on = body.get("on").asBoolean();
        controls.setControl(OperatorControls.MAINTENANCE, "on", on);
        dispatcher.refreshControls();
        controls.audit(session.actor(), on ? "maintenance on" : "maintenance off", null, null);
        return json(200, switches());
    }

    // --- campaigns ---------------------------------------------------------------------------------

    private Map<String, Object> campaignList() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (CampaignStore.Campaign c : campaigns.campaigns()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", c.id());
            m.put("name", c.name());
            m.put("mode", c.mode());
            m.put("state", c.state());
            m.put("detail", c.detail());
            m.put("startsAt", c.startsAt() == null ? null : c.startsAt().toString());
            m.put("batches", c.batches());
            m.put("sentBatches", c.sentBatches());
            m.put("failedBatches", c.failedBatches());
            m.put("recipients", c.recipients());
            m.put("sentRecipients", c.sentRecipients());
            List<String> can = new ArrayList<>();
            for (Campaigns.Change change : Campaigns.Change.values()) {
                if (change.from().contains(c.state())) {
                    can.add(change.name().toLowerCase(Locale.ROOT));
                }
            }
            m.put("changes", can);
            out.add(m);
        }
        return Map.of("campaigns", out);
    }

    private ConsoleResponse changeCampaign(JsonNode body, Sessions.Session session) {
        if (!body.path("id").canConvertToLong()) {
            throw new BadInput(400, "id must be a campaign's number");
        }
        long id = body.get("id").asLong();
        String name = body.path("change").asText("");
        Campaigns.Change change;
        try {
            change = Campaigns.Change.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadInput(400, "change must be pause, resume or cancel, was " + cut(name, 20));
        }
        Optional<CampaignStore.Campaign> campaign = campaigns.campaign(id);
        if (campaign.isEmpty()) {
            throw new BadInput(404, "No campaign " + id);
        }
        if (!change.apply(campaigns, id)) {
            throw new BadInput(409, "Campaign " + id + " is " + campaigns.campaign(id).map(CampaignStore.Campaign::state)
                    .orElse("gone") + " now; " + change.name().toLowerCase(Locale.ROOT) + " needs it "
                    + String.join(" or ", change.from()));
        }
        controls.audit(session.actor(), "campaign " + change.name().toLowerCase(Locale.ROOT), "campaign " + id,
                campaign.get().name());
        return json(200, campaignList());
    }

    // --- plumbing ----------------------------------------------------------------------------------

    private static void requireMethod(String method, String expected) {
        if (!method.equals(expected)) {
            throw new BadInput(405, "Use " + expected);
        }
    }

    private static JsonNode body(ConsoleRequest req) {
        if (req.body().length > MAX_BODY_BYTES) {
            throw new BadInput(413, "The body is over " + MAX_BODY_BYTES + " bytes");
        }
        if (req.body().length == 0) {
            return Json.mapper().createObjectNode();
        }
        try {
            JsonNode n = Json.mapper().readTree(req.body());
            if (n == null || !n.isObject()) {
                throw new BadInput(400, "The body must be a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new BadInput(400, "The body is not JSON");
        }
    }

    private ConsoleResponse asset(String name, String type) {
        try (InputStream in = Console.class.getResourceAsStream(name)) {
            if (in == null) {
                return error(404, "No such page");
            }
            return ConsoleResponse.of(200, type, in.readAllBytes(), Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ConsoleResponse json(int status, Object value) {
        return ConsoleResponse.of(status, JSON, write(value), Map.of());
    }

    private static byte[] write(Object value) {
        try {
            return Json.mapper().writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] errorBody(String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("message", message);
        m.put("details", List.of());
        return write(m);
    }

    /** The answer to a body over {@link #MAX_BODY_BYTES}, for a host that stops reading it there. */
    public static ConsoleResponse bodyTooLarge() {
        return error(413, "The body is over " + MAX_BODY_BYTES + " bytes");
    }

    static ConsoleResponse error(int status, String message) {
        return ConsoleResponse.of(status, JSON, errorBody(message), Map.of());
    }

    static long wholeNumber(String text, String what) {
        if (text == null || text.isEmpty() || text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new BadInput(400, "expected " + what + " (a whole number from 1), was \"" + cut(text, 40) + "\"");
        }
        long n = Long.parseLong(text);
        if (n < 1) {
            throw new BadInput(400, "expected " + what + " (a whole number from 1), was " + n);
        }
        return n;
    }

    static String cut(String s, int max) {
        return s == null ? "" : s.length() > max ? s.substring(0, max) + "…" : s;
    }

    /** A caller's mistake, answered with its status and a message naming what was wrong. */
    static final class BadInput extends RuntimeException {
        final int status;

        BadInput(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    public static final class Builder {
        private final Store store;
        private final Dispatcher dispatcher;
        private final Secret adminToken;
        private final MeterRegistry registry;
        private Supplier<Map<String, Object>> status = Map::of;
        private boolean secure = true;
        private String basePath = "/console";
        private Clock clock = Clock.systemUTC();
        private Duration idle = Defaults.CONSOLE_IDLE_EXPIRY;
        private Duration absolute = Duration.ofHours(8);

        private Builder(Store store, Dispatcher dispatcher, Secret adminToken, MeterRegistry registry) {
            this.store = Objects.requireNonNull(store, "store");
            this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
            this.adminToken = Objects.requireNonNull(adminToken, "admin token");
            this.registry = Objects.requireNonNull(registry, "meter registry");
        }

        /** The host's status report (the admin API's {@code /admin/status}), shown on the overview. */
        public Builder status(Supplier<Map<String, Object>> report) {
            this.status = Objects.requireNonNull(report, "status");
            return this;
        }

        /**
         * Whether the host serves the console over TLS: the session cookie is then {@code Secure}. True by
         * default; a host on plain HTTP (loopback tests, a proxy that ends TLS in front) says false.
         */
        public Builder secure(boolean secure) {
            this.secure = secure;
            return this;
        }

        /** The path the host serves the console under ({@code /console} by default); the cookie's path. */
        public Builder basePath(String path) {
            if (path == null || !path.startsWith("/") || path.endsWith("/") || !path.matches("[A-Za-z0-9/._-]+")) {
                throw new IllegalArgumentException("the console's base path must start with / and not end with one, was "
                        + path);
            }
            this.basePath = path;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How long a session lasts without use (15 minutes by default); at most 8 hours in all. */
        public Builder idleExpiry(Duration idle) {
            if (idle == null || idle.isNegative() || idle.isZero() || idle.compareTo(absolute) > 0) {
                throw new IllegalArgumentException("the console's idle expiry must be positive and at most " + absolute);
            }
            this.idle = idle;
            return this;
        }

        public Console build() {
            return new Console(this);
        }
    }

    /** A request's query parameters, parsed once, each checked where it is read. */
    static final class Query {
        private final Map<String, String> params;

        Query(String raw) {
            this.params = new LinkedHashMap<>();
            if (raw != null && !raw.isEmpty()) {
                if (raw.length() > 4_096) {
                    throw new BadInput(414, "The query is over 4096 characters");
                }
                for (String pair : raw.split("&")) {
                    int eq = pair.indexOf('=');
                    String k = decode(eq < 0 ? pair : pair.substring(0, eq));
                    String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
                    params.putIfAbsent(k, v);
                }
            }
        }

        Query(Map<String, String> params) {
            this.params = params;
        }

        private static String decode(String s) {
            try {
                return URLDecoder.decode(s, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new BadInput(400, "The query is not URL-encoded");
            }
        }

        boolean flag(String name) {
            String v = params.get(name);
            return v != null && (v.equals("1") || v.equals("true") || v.equals("on"));
        }

        String text(String name, int max) {
            String v = params.get(name);
            if (v != null && v.length() > max) {
                throw new BadInput(400, name + " must be at most " + max + " characters");
            }
            return v == null ? null : v.strip();
        }

        /** An instant in ISO-8601 ({@code 2026-12-07T15:00:00Z}), or null when absent. */
        Instant instant(String name) {
            String v = text(name, 40);
            if (v == null || v.isEmpty()) {
                return null;
            }
            try {
                return Instant.parse(v);
            } catch (DateTimeParseException e) {
                throw new BadInput(400, name + " must be an instant such as 2026-12-07T15:00:00Z, was \"" + cut(v, 40) + "\"");
            }
        }

        long number(String name, long min, long max, long otherwise) {
            String v = params.get(name);
            if (v == null || v.isEmpty()) {
                return otherwise;
            }
            if (v.length() > 19 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new BadInput(400, name + " must be a whole number from " + min + " to " + max + ", was \"" + cut(v, 40) + "\"");
            }
            long n;
            try {
                n = Long.parseLong(v);
            } catch (NumberFormatException e) {
                n = Long.MAX_VALUE;
            }
            if (n < min || n > max) {
                throw new BadInput(400, name + " must be a whole number from " + min + " to " + max + ", was " + cut(v, 40));
            }
            return n;
        }
    }
}
