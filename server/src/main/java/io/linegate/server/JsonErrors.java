package io.linegate.server;

import io.linegate.core.RateLimitedLog;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpStatusException;
import com.linecorp.armeria.server.RequestTimeoutException;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.linegate.core.Json;
import io.linegate.runtime.WebhookAnswer;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error the server itself produces is a short JSON body in LINE's shape,
 * {@code {"message": ...}}, with the status it deserves: {@code 400} for a malformed request,
 * {@code 408} for a body that did not arrive within the request timeout, {@code 413} for a body over
 * the limit, {@code 503} when the server is out of room for request bodies. A client's mistake is one
 * rate-limited line without a stack trace ({@code linegate.client-errors}); only an unexpected
 * exception is logged as an error, and answered {@code 500} with a generic message, never a stack trace.
 */
final class JsonErrors implements ServerErrorHandler {
    private static final Logger log = LoggerFactory.getLogger(JsonErrors.class);
    static final String TOO_LARGE = WebhookAnswer.TOO_LARGE.message();
    static final String TOO_SLOW = WebhookAnswer.TOO_SLOW.message();

    private final RateLimitedLog clientErrors;

    JsonErrors(RateLimitedLog clientErrors) {
        this.clientErrors = clientErrors;
    }

    static HttpResponse response(HttpStatus status, String message) {
        return HttpResponse.of(status, MediaType.JSON_UTF_8, body(message));
    }

    /** The runtime's answer as an Armeria response. */
    static HttpResponse response(WebhookAnswer answer) {
        return HttpResponse.of(HttpStatus.valueOf(answer.status()), MediaType.JSON_UTF_8, answer.json());
    }

    /** 503 with {@code Retry-After}: the budget of request bodies in memory is spent. */
    static HttpResponse overloaded() {
        return HttpResponse.of(ResponseHeaders.builder(HttpStatus.SERVICE_UNAVAILABLE)
                .contentType(MediaType.JSON_UTF_8).add(HttpHeaderNames.RETRY_AFTER, "1").build(),
                com.linecorp.armeria.common.HttpData.ofUtf8(WebhookAnswer.BUSY.json()));
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
        if (cause instanceof HttpStatusException e) {
            HttpStatus status = e.httpStatus();
            if (status == HttpStatus.REQUEST_ENTITY_TOO_LARGE) {
                clientError(ctx, "the body is over the limit", status);
                return response(status, TOO_LARGE);
            }
            if (status.isClientError()) {
                clientError(ctx, String.valueOf(e.getCause() == null ? status : e.getCause().getMessage()), status);
            }
            return response(status, status.reasonPhrase());
        }
        if (cause instanceof ContentTooLargeException) {
            clientError(ctx, "the body is over the limit", HttpStatus.REQUEST_ENTITY_TOO_LARGE);
            return response(HttpStatus.REQUEST_ENTITY_TOO_LARGE, TOO_LARGE);
        }
        if (cause instanceof RequestTimeoutException) {
            if (!ctx.log().isRequestComplete()) {
                clientError(ctx, "the body did not arrive within the request timeout", HttpStatus.REQUEST_TIMEOUT);
                ctx.initiateConnectionShutdown(); // the rest of that body is not worth reading
                return response(HttpStatus.REQUEST_TIMEOUT, TOO_SLOW);
            }
            clientErrors.warn("{} {} {} from {}: no answer within the request timeout although the request had"
                    + " arrived; answered 503", ctx.id().text(), ctx.method(), ctx.path(), remote(ctx));
            return response(HttpStatus.SERVICE_UNAVAILABLE, "The request took too long; try again later");
        }
        if (cause instanceof BodyBudgetDecorator.Exhausted) {
            clientErrors.warn("{} {} {} from {}: {}; answered 503", ctx.id().text(), ctx.method(), ctx.path(),
                    remote(ctx), cause.getMessage());
            return overloaded();
        }
        if (ClientAbort.is(cause)) {
            return clientAbort(ctx, cause);
        }
        log.error("unexpected error serving {} {}", ctx.method(), ctx.path(), cause);
        return response(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error; see the server log for request " + ctx.id().text());
    }

    @Override
    public AggregatedHttpResponse renderStatus(ServiceRequestContext ctx, ServiceConfig config, RequestHeaders headers,
                                               HttpStatus status, String description, Throwable cause) {
        if (ctx != null && (status == HttpStatus.BAD_REQUEST || status == HttpStatus.REQUEST_ENTITY_TOO_LARGE
                || status == HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE || status == HttpStatus.REQUEST_TIMEOUT)) {
            clientError(ctx, cause != null && cause.getMessage() != null ? cause.getMessage()
                    : description != null ? description : status.reasonPhrase(), status);
        }
        String message = status == HttpStatus.REQUEST_ENTITY_TOO_LARGE ? TOO_LARGE
                : status == HttpStatus.REQUEST_TIMEOUT ? TOO_SLOW : status.reasonPhrase();
        return AggregatedHttpResponse.of(status, MediaType.JSON_UTF_8, body(message));
    }

    /** The client went away before its answer: one rate-limited line, counted as {@link ClientAbort#STATUS}. */
    HttpResponse clientAbort(ServiceRequestContext ctx, Throwable cause) {
        clientErrors.info("{} {} {} from {}: the client went away before its answer ({}); counted as {}",
                ctx.id().text(), ctx.method(), ctx.path(), remote(ctx), ClientAbort.name(cause), ClientAbort.STATUS.code());
        return response(ClientAbort.STATUS, "Client closed request");
    }

    void clientError(ServiceRequestContext ctx, String what, HttpStatus status) {
        clientErrors.info("{} {} {} from {}: {}; answered {}", ctx.id().text(), ctx.method(), ctx.path(), remote(ctx),
                what, status.code());
    }

    private static String remote(ServiceRequestContext ctx) {
        return ctx.clientAddress().getHostAddress();
    }
}
