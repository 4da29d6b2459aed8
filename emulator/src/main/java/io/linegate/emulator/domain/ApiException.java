package io.linegate.emulator.domain;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpStatus;
import java.util.List;

/**
 * A failure answered with the platform's status and body. Handlers throw it; the router turns it
 * into a response, so that no bad input ever reaches a 500 or a stack trace (Messaging API reference, "Error responses"; Messaging API reference, "Status codes").
 * Stack traces are not filled in: this is control flow, and it is thrown on hot paths.
 */
public final class ApiException extends RuntimeException {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private final HttpStatus status;
    private final ObjectNode body;

    public ApiException(HttpStatus status, ObjectNode body) {
        super(status + " " + body, null, false, false);
        this.status = status;
        this.body = body;
    }

    public HttpStatus status() {
        return status;
    }

    public ObjectNode body() {
        return body;
    }

    /** One validation problem: {@code property} is the JSON path or query parameter name. */
    public record Detail(String message, String property) {}

    /** LINE's Messaging API error shape: {@code {"message", "details":[{"message","property"}]}}. */
    public static ApiException line(HttpStatus status, String message) {
        ObjectNode b = F.objectNode();
        b.put("message", message);
        return new ApiException(status, b);
    }

    public static ApiException line(HttpStatus status, String message, List<Detail> details) {
        ObjectNode b = F.objectNode();
        b.put("message", message);
        if (!details.isEmpty()) {
            ArrayNode a = b.putArray("details");
            for (Detail d : details) {
                ObjectNode o = a.addObject();
                if (d.message() != null) {
                    o.put("message", d.message());
                }
                if (d.property() != null) {
                    o.put("property", d.property());
                }
            }
        }
        return new ApiException(status, b);
    }

    public static ApiException badRequest(String message) {
        return line(HttpStatus.BAD_REQUEST, message);
    }

    /** {@code 400 "The request body has N error(s)"} with the details. */
    public static ApiException invalid(List<Detail> details) {
        return line(HttpStatus.BAD_REQUEST, "The request body has " + details.size() + " error(s)", details);
    }

    /** {@code 400 "The property, X, in the request body is invalid (line: -, column: -)"}. */
    public static ApiException invalidProperty(String property) {
        return badRequest("The property, " + property + ", in the request body is invalid (line: -, column: -)");
    }

    public static ApiException notFound() {
        return line(HttpStatus.NOT_FOUND, "Not found");
    }

    /** The OAuth endpoints' shape: {@code {"error","error_description"}} (Messaging API reference, "Channel access token"). */
    public static ApiException oauth(HttpStatus status, String error, String description) {
        ObjectNode b = F.objectNode();
        b.put("error", error);
        if (description != null) {
            b.put("error_description", description);
        }
        return new ApiException(status, b);
    }
}
