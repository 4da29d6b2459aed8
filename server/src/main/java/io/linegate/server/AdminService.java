package io.linegate.server;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.annotation.ProducesJson;
import com.linecorp.armeria.server.annotation.Put;
import io.linegate.runtime.ServerStatus;
import io.linegate.store.DeadLetters;
import io.linegate.store.OperatorControls;
import io.linegate.webhook.ConversationKey;
import io.linegate.webhook.Dispatcher;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The operator's switches, under {@code /admin} on the admin listener and behind a bearer token:
 * the server's status, mute a source, turn maintenance mode on or off, list and replay dead letters. Changes apply at
 * once, without a restart, and persist in the store, each written to the store's operator audit with the
 * caller's address. Parameters are parsed here, not by Armeria's
 * converters, so that a typo is a {@code 400} naming the parameter, never a {@code 500}.
 */
@ProducesJson
final class AdminService {
    private final OperatorControls controls;
    private final DeadLetters deadLetters;
    private final Dispatcher dispatcher;
    private final ServerStatus serverStatus;

    AdminService(OperatorControls controls, DeadLetters deadLetters, Dispatcher dispatcher, ServerStatus serverStatus) {
        this.controls = controls;
        this.deadLetters = deadLetters;
        this.dispatcher = dispatcher;
        this.serverStatus = serverStatus;
    }

    /**
     * How this server is set up and how it is doing: token type and remaining lifetime, API request
     * log retention, retry keys and rate limits, backlog, dead letters waiting, store and disk space.
     */
    @Get("/admin/status")
    @Blocking
    public Map<String, Object> serverStatus() {
        return serverStatus.report();
    }

    @Get("/admin/controls")
    public Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("maintenance", controls.controls(OperatorControls.MAINTENANCE).contains("on"));
        out.put("muted", new TreeSet<>(controls.controls(OperatorControls.MUTE)));
        out.put("backlog", dispatcher.backlog());
        return out;
    }

    @Put("/admin/maintenance/{state}")
    public HttpResponse maintenance(@Param("state") String state) {
        if (!state.equals("on") && !state.equals("off")) {
            return JsonErrors.response(HttpStatus.BAD_REQUEST, "state must be on or off");
        }
        controls.setControl(OperatorControls.MAINTENANCE, "on", state.equals("on"));
        dispatcher.refreshControls();
        controls.audit(actor(), "maintenance " + state, null, null);
        return HttpResponse.ofJson(status());
    }

    @Put("/admin/mute/{source}")
    public HttpResponse mute(@Param("source") String source) {
        return setMute(source, true);
    }

    @Delete("/admin/mute/{source}")
    public HttpResponse unmute(@Param("source") String source) {
        return setMute(source, false);
    }

    private HttpResponse setMute(String source, boolean on) {
        String key = normalize(source);
        if (key == null) {
            return JsonErrors.response(HttpStatus.BAD_REQUEST,
                    "source must be a LINE user, group or room id (U…, C…, R… with 32 hexadecimal digits) or its user:/group:/room: key");
        }
        controls.setControl(OperatorControls.MUTE, key, on);
        dispatcher.refreshControls();
        controls.audit(actor(), on ? "mute" : "unmute", key, null);
        return HttpResponse.ofJson(status());
    }

    /** A LINE id or a conversation key as the key the dispatcher uses; null if it names no conversation. */
    static String normalize(String source) {
        return ConversationKey.ofOperatorInput(source).map(ConversationKey::key).orElse(null);
    }

    /** The largest page of dead letters one request may ask for. */
    static final int MAX_LIMIT = 1000;

    @Get("/admin/events/dead")
    public HttpResponse dead(@Param("limit") @Default("50") String limit) {
        Long n = wholeNumber(limit, 1, MAX_LIMIT);
        if (n == null) {
            return JsonErrors.response(HttpStatus.BAD_REQUEST,
                    "limit must be a whole number from 1 to " + MAX_LIMIT + ", was " + quoted(limit));
        }
        return HttpResponse.ofJson(deadLetters.list(n.intValue()));
    }

    @Post("/admin/events/dead/{id}/replay")
    public HttpResponse replay(@Param("id") String id) {
        Long letter = wholeNumber(id, 1, Long.MAX_VALUE);
        if (letter == null) {
            return JsonErrors.response(HttpStatus.BAD_REQUEST,
                    "id must be a dead letter's id (a whole number from 1), was " + quoted(id));
        }
        String caller = actor();
        // Off the store's writer thread: the audit below is a write of its own, which that thread would wait for.
        return HttpResponse.of(deadLetters.replay(letter).thenApplyAsync(seq -> {
            if (seq.isEmpty()) {
                return JsonErrors.response(HttpStatus.NOT_FOUND, "No dead letter " + letter + " waiting for replay");
            }
            dispatcher.appended(); // one more in the backlog, and a wake-up
            controls.audit(caller, "replay", "dead letter " + letter, "event " + seq.get());
            return HttpResponse.ofJson(Map.of("replayed", letter, "eventSeq", seq.get()));
        }, ServiceRequestContext.current().blockingTaskExecutor()));
    }

    /** Who made a change, for the operator audit: the admin API and the caller's address (never the token). */
    private static String actor() {
        return "admin API from " + ServiceRequestContext.current().clientAddress().getHostAddress();
    }

    /** {@code text} as a whole number within [min, max], or null: never an exception for a caller's typo. */
    static Long wholeNumber(String text, long min, long max) {
        if (text == null || text.isEmpty() || text.length() > 19) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return null;
            }
        }
        long n;
        try {
            n = Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null; // 19 digits over Long.MAX_VALUE
        }
        return n < min || n > max ? null : n;
    }

    /** A caller's value, quoted and cut short, for an error message. */
    private static String quoted(String value) {
        String v = value == null ? "" : value;
        return "\"" + (v.length() > 40 ? v.substring(0, 40) + "..." : v) + "\"";
    }
}
