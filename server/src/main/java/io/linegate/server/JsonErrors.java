package io.linegate.server;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.linegate.core.Json;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error the server itself produces (413 too large, 404, 405, timeouts) is a short JSON body in
 * LINE's shape, {@code {"message": ...}}; an unexpected exception is logged here and answered with a
 * generic message, never with a stack trace.
 */
final class JsonErrors implements ServerErrorHandler {
    private static final Logger log = LoggerFactory.getLogger(JsonErrors.class);

    static HttpResponse response(HttpStatus status, String message) {
        return HttpResponse.of(status, MediaType.JSON_UTF_8, body(message));
    }

    static String body(String message) {
        try {
            return Json.mapper().writeValueAsString(Map.of("message", message));
        } catch (Exception e) {
            return "{\"message\":\"error\"}";
        }
    }

    @Override
    public HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
        if (cause instanceof com.linecorp.armeria.server.HttpStatusException) {
            HttpStatus status = ((com.linecorp.armeria.server.HttpStatusException) cause).httpStatus();
            return response(status, status.reasonPhrase());
        }
        log.error("unexpected error serving {} {}", ctx.method(), ctx.path(), cause);
        return response(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error; see the server log for request " + ctx.id().text());
    }

    @Override
    public AggregatedHttpResponse renderStatus(ServiceRequestContext ctx, ServiceConfig config, RequestHeaders headers,
                                               HttpStatus status, String description, Throwable cause) {
        String message = status == HttpStatus.REQUEST_ENTITY_TOO_LARGE
                ? "The request body is larger than the limit" : status.reasonPhrase();
        return AggregatedHttpResponse.of(status, MediaType.JSON_UTF_8, body(message));
    }
}
