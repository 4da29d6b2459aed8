package io.linegate.emulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;

/** A successful (or deliberately non-exceptional) answer of a handler. */
public final class Reply {
    private final HttpStatus status;
    private final JsonNode json; // null when raw is set
    private final byte[] raw;
    private final MediaType rawType;
    private final Map<String, String> headers = new LinkedHashMap<>();
    /** Set by handlers whose 2xx means "accepted" for retry-key purposes (sentMessages for push). */
    private JsonNode acceptedSentMessages;

    private Reply(HttpStatus status, JsonNode json, byte[] raw, MediaType rawType) {
        this.status = status;
        this.json = json;
        this.raw = raw;
        this.rawType = rawType;
    }

    public static Reply json(HttpStatus status, JsonNode body) {
        return new Reply(status, body, null, null);
    }

    public static Reply ok(JsonNode body) {
        return json(HttpStatus.OK, body);
    }

    /** {@code 200 {}}: what most LINE endpoints answer. */
    public static Reply emptyObject() {
        return ok(JsonNodeFactory.instance.objectNode());
    }

    public static Reply accepted() {
        return json(HttpStatus.ACCEPTED, JsonNodeFactory.instance.objectNode());
    }

    /** {@code 200} with an empty body (the revoke endpoints). */
    public static Reply emptyBody() {
        return new Reply(HttpStatus.OK, null, new byte[0], null);
    }

    public static Reply bytes(HttpStatus status, MediaType type, byte[] content) {
        return new Reply(status, null, content, type);
    }

    public Reply header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public Reply sentMessages(JsonNode sentMessages) {
        this.acceptedSentMessages = sentMessages;
        return this;
    }

    public HttpStatus status() {
        return status;
    }

    public JsonNode json() {
        return json;
    }

    public byte[] raw() {
        return raw;
    }

    public MediaType rawType() {
        return rawType;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public JsonNode acceptedSentMessages() {
        return acceptedSentMessages;
    }
}
