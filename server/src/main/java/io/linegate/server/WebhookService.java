package io.linegate.server;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.util.Exceptions;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.HttpStatusException;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.linegate.core.WebhookSignature;
import io.linegate.webhook.WebhookReceiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The webhook endpoint: 200 once the body is durable, 401 for a bad signature, nothing else. */
final class WebhookService implements HttpService {
    private static final Logger log = LoggerFactory.getLogger(WebhookService.class);
    private final WebhookReceiver receiver;

    WebhookService(WebhookReceiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        if (req.method() != HttpMethod.POST) {
            return JsonErrors.response(HttpStatus.METHOD_NOT_ALLOWED, "Use POST");
        }
        return HttpResponse.of(req.aggregate().thenCompose(agg -> {
            // Armeria's header lookups are case-insensitive: X-Line-Signature and x-line-signature alike.
            String signature = agg.headers().get(WebhookSignature.HEADER);
            return receiver.receive(agg.content().array(), signature);
        }).handle((receipt, error) -> {
            if (error != null) {
                Throwable cause = Exceptions.peel(error);
                if (cause instanceof ContentTooLargeException
                        || cause instanceof HttpStatusException
                        && ((HttpStatusException) cause).httpStatus() == HttpStatus.REQUEST_ENTITY_TOO_LARGE) {
                    return JsonErrors.response(HttpStatus.REQUEST_ENTITY_TOO_LARGE, "The request body is larger than the limit");
                }
                if (cause instanceof WebhookReceiver.OverloadedException) {
                    // Counted and logged (rate-limited) by the receiver: not a storage failure.
                    return JsonErrors.response(HttpStatus.SERVICE_UNAVAILABLE, "The bot server is overloaded; try again later");
                }
                log.error("could not journal a webhook; answering 503 so that it is not taken as received", error);
                return JsonErrors.response(HttpStatus.SERVICE_UNAVAILABLE, "The webhook could not be stored");
            }
            switch (receipt.verdict()) {
                case VALID:
                    return HttpResponse.of(HttpStatus.OK, com.linecorp.armeria.common.MediaType.JSON_UTF_8, "{}");
                case MISSING:
                    return JsonErrors.response(HttpStatus.UNAUTHORIZED, "Missing x-line-signature header");
                case MALFORMED:
                    return JsonErrors.response(HttpStatus.UNAUTHORIZED, "Malformed x-line-signature header");
                default:
                    return JsonErrors.response(HttpStatus.UNAUTHORIZED, "Invalid signature");
            }
        }));
    }
}
