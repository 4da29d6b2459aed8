package io.linegate.emulator.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.linegate.core.Json;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.domain.Channel;
import io.linegate.emulator.domain.Modules;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;

/** One API request as a handler sees it: path parameters, query, body, the authenticated channel. */
public final class Call {
    private static final ObjectMapper STRICT = Json.mapper();
    private final ServiceRequestContext ctx;
    private final AggregatedHttpRequest req;
    private final Map<String, String> pathParams;
    private final String requestId;
    private final Instant now;
    private QueryParams query;
    private Channel channel;
    private Modules.Attachment attachment;
    private JsonNode json;
    private boolean lenientContentType;

    public Call(ServiceRequestContext ctx, AggregatedHttpRequest req, Map<String, String> pathParams,
            String requestId, Instant now) {
        this.ctx = ctx;
        this.req = req;
        this.pathParams = pathParams;
        this.requestId = requestId;
        this.now = now;
    }

    public ServiceRequestContext ctx() {
        return ctx;
    }

    public AggregatedHttpRequest request() {
        return req;
    }

    public String requestId() {
        return requestId;
    }

    /** The instant the request arrived, read once from the emulator's clock. */
    public Instant now() {
        return now;
    }

    public String path(String name) {
        return pathParams.get(name);
    }

    public String query(String name) {
        if (query == null) {
            String q = ctx.query();
            query = q == null ? QueryParams.of() : QueryParams.fromQueryString(q);
        }
        return query.get(name);
    }

    public String header(String name) {
        return req.headers().get(name);
    }

    public Channel channel() {
        if (channel == null) {
            throw new IllegalStateException("route is not authenticated");
        }
        return channel;
    }

    /** The module channel attachment this call acts through ({@code X-Line-Bot-Id}), or null for the bot's own token. */
    public Modules.Attachment attachment() {
        return attachment;
    }

    void attachment(Modules.Attachment a) {
        this.attachment = a;
    }

    /** The control API accepts JSON under any content type, so that {@code curl -d '{...}'} just works. */
    void lenientContentType() {
        this.lenientContentType = true;
    }

    void channel(Channel channel) {
        this.channel = channel;
    }

    public byte[] body() {
        return req.content().array();
    }

    /**
     * The body as JSON, after the content-type check: {@code 415} for anything but JSON, {@code 400}
     * with the platform's "could not be parsed" message and position for malformed JSON.
     */
    public JsonNode json() {
        if (json != null) {
            return json;
        }
        MediaType type = req.contentType();
        if (!lenientContentType && (type == null || !type.is(MediaType.JSON))) {
            throw ApiException.line(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    "The content type, " + (type == null ? "null" : type.toString()) + ", is not supported");
        }
        byte[] body = body();
        if (body.length == 0) {
            throw ApiException.badRequest("The request body could not be parsed as JSON (line: 1, column: 1)");
        }
        try {
            json = STRICT.readTree(body);
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            String where = l == null ? "line: -, column: -" : "line: " + l.getLineNr() + ", column: " + l.getColumnNr();
            throw ApiException.badRequest("The request body could not be parsed as JSON (" + where + ")");
        } catch (IOException e) {
            throw ApiException.badRequest("The request body could not be parsed as JSON (line: -, column: -)");
        }
        if (json == null || json.isMissingNode()) {
            throw ApiException.badRequest("The request body could not be parsed as JSON (line: 1, column: 1)");
        }
        return json;
    }

    /** The body as an object; a JSON array or scalar is a 400 like any other invalid body. */
    public JsonNode jsonObject() {
        JsonNode n = json();
        if (!n.isObject()) {
            throw ApiException.badRequest("The request body could not be parsed as JSON (line: 1, column: 1)");
        }
        return n;
    }

    /** An {@code application/x-www-form-urlencoded} body (the OAuth endpoints). */
    public QueryParams form() {
        MediaType type = req.contentType();
        if (type == null || !type.is(MediaType.FORM_DATA)) {
            throw ApiException.oauth(HttpStatus.BAD_REQUEST, "invalid_request", "some parameters missed or invalid");
        }
        return QueryParams.fromQueryString(req.contentUtf8());
    }
}
