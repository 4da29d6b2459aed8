package io.linegate.emulator.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.linegate.emulator.domain.ApiException;

/**
 * Renders the responses Armeria produces itself (a body over the size limit, a protocol error) in
 * LINE's error shape, so that even those never carry an HTML page or a stack trace.
 */
public final class LineErrorHandler implements ServerErrorHandler {
    @Override
    public HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
        if (cause instanceof ApiException e) {
            return ApiService.error(e);
        }
        return null; // falls through to renderStatus
    }

    @Override
    public AggregatedHttpResponse renderStatus(ServiceRequestContext ctx, ServiceConfig config, RequestHeaders headers,
            HttpStatus status, String description, Throwable cause) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        String message = switch (status.code()) {
            case 404 -> "Not found";
            case 413 -> "Request Entity Too Large";
            case 500 -> "Internal server error";
            default -> status.reasonPhrase();
        };
        body.put("message", message);
        ResponseHeaders h = ResponseHeaders.builder(status).contentType(MediaType.JSON_UTF_8).build();
        return AggregatedHttpResponse.of(h, HttpData.wrap(ApiService.write(body)));
    }
}
