package io.linegate.server;

import com.linecorp.armeria.common.ClosedSessionException;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.ResponseCompleteException;
import com.linecorp.armeria.common.stream.AbortedStreamException;
import com.linecorp.armeria.common.stream.CancelledSubscriptionException;
import com.linecorp.armeria.common.stream.ClosedStreamException;
import com.linecorp.armeria.common.util.Exceptions;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.HttpStatusException;
import com.linecorp.armeria.server.RequestTimeoutException;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.linegate.core.WebhookSignature;
import io.linegate.runtime.WebhookAnswer;
import io.linegate.runtime.WebhookFront;
import io.linegate.webhook.WebhookReceiver;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook endpoint on Armeria: the body aggregated within the server's limits, then the runtime's
 * {@link WebhookFront} (200 once the body is durable, 401 for a bad signature, 503 when the store is
 * behind or failed). A body that could not be read is the client's problem and answered as such
 * (413, 400, 408 by the error handler, 503 when the server is out of room for bodies), in one
 * rate-limited line, with the runtime's {@link WebhookAnswer}s.
 */
final class WebhookService implements HttpService {
    private static final Logger log = LoggerFactory.getLogger(WebhookService.class);
    private final WebhookReceiver receiver;
    private final JsonErrors errors;

    WebhookService(WebhookReceiver receiver, JsonErrors errors) {
        this.receiver = receiver;
        this.errors = errors;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        if (req.method() != HttpMethod.POST) {
            return JsonErrors.response(WebhookAnswer.METHOD_NOT_ALLOWED);
        }
        return HttpResponse.of(req.aggregate().handle((agg, error) -> error != null
                ? CompletableFuture.completedFuture(unreadable(ctx, Exceptions.peel(error)))
                // Armeria's header lookups are case-insensitive: X-Line-Signature and x-line-signature alike.
                : WebhookFront.receive(receiver, agg.content().array(), agg.headers().get(WebhookSignature.HEADER))
                        .thenApply(JsonErrors::response)).thenCompose(r -> r));
    }

    /** The body could not be read: the client's doing, never the store's. */
    private HttpResponse unreadable(ServiceRequestContext ctx, Throwable cause) {
        if (cause instanceof ContentTooLargeException
                || cause instanceof HttpStatusException e && e.httpStatus() == HttpStatus.REQUEST_ENTITY_TOO_LARGE) {
            errors.clientError(ctx, "the body is over the limit", HttpStatus.REQUEST_ENTITY_TOO_LARGE);
            return JsonErrors.response(WebhookAnswer.TOO_LARGE);
        }
        if (cause instanceof BodyBudgetDecorator.Exhausted) {
            return errors.onServiceException(ctx, cause);
        }
        if (cause instanceof HttpStatusException e) {
            // Armeria has answered already (a malformed chunk is a 400 and a closed connection).
            errors.clientError(ctx, "malformed body: " + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()),
                    e.httpStatus());
            return JsonErrors.response(e.httpStatus(), e.httpStatus().reasonPhrase());
        }
        if (ClientAbort.is(cause)) {
            // The client went away: the error handler, which sees the same failure, says so once.
            log.debug("{} webhook body not received: {}", ctx.id().text(), cause.toString());
            return JsonErrors.response(ClientAbort.STATUS, "Client closed request");
        }
        if (cause instanceof RequestTimeoutException || cause instanceof ResponseCompleteException
                || cause instanceof ClosedStreamException || cause instanceof CancelledSubscriptionException
                || cause instanceof AbortedStreamException || cause instanceof ClosedSessionException) {
            // Timed out (answered 408 by the error handler) or the client went away: nothing to add.
            log.debug("{} webhook body not received: {}", ctx.id().text(), cause.toString());
            return JsonErrors.response(WebhookAnswer.TOO_SLOW);
        }
        errors.clientError(ctx, "the body could not be read (" + cause + ")", HttpStatus.BAD_REQUEST);
        return JsonErrors.response(WebhookAnswer.UNREADABLE);
    }
}
