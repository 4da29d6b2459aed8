package io.linegate.emulator.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.linegate.core.Json;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.domain.Channel;
import io.linegate.emulator.domain.Ids;
import io.linegate.emulator.domain.MessageValidator;
import io.linegate.emulator.domain.Modules;
import io.linegate.emulator.domain.AcceptedRetryKeys;
import io.linegate.emulator.domain.TokenService;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request pipeline shared by every emulated operation:
 * route -> injected fault -> auth (401) -> rate limit (429) -> retry key (400/409) -> handler ->
 * retry key accepted or released. Every response carries {@code x-line-request-id}; every failure is
 * answered in LINE's error shape, and an unexpected exception is a bare 500 without a stack trace.
 */
public final class ApiService implements HttpService {
    public static final AttributeKey<String> REQUEST_ID = AttributeKey.valueOf(ApiService.class, "REQUEST_ID");
    public static final String RETRY_KEY = "x-line-retry-key";
    public static final long MAX_BODY = Router.DEFAULT_MAX_BODY;
    private static final Logger log = LoggerFactory.getLogger(ApiService.class);
    private static final Pattern UUID_SHAPE = Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    /** How long a "lost" response is held before the connection is dropped. Clients time out first. */
    private static final Duration LOST_HOLD = Duration.ofSeconds(30);

    private final Router router;
    private final TokenService tokens;
    private final RateLimiter limiter;
    private final Faults faults;
    private final Clock clock;
    private final List<SpecValidator> specs; // empty: validation against the OpenAPI files is off
    private final Modules modules;

    public ApiService(Router router, TokenService tokens, RateLimiter limiter, Faults faults, Clock clock,
            List<SpecValidator> specs, Modules modules) {
        this.modules = modules;
        this.router = router;
        this.tokens = tokens;
        this.limiter = limiter;
        this.faults = faults;
        this.clock = clock;
        this.specs = specs;
    }

    /** The request id of the current request, generated once by {@link #requestId(ServiceRequestContext)}. */
    public static String requestId(ServiceRequestContext ctx) {
        String id = ctx.attr(REQUEST_ID);
        if (id == null) {
            id = Ids.requestId();
            ctx.setAttr(REQUEST_ID, id);
            ctx.addAdditionalResponseHeader("x-line-request-id", id);
        }
        return id;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        String requestId = requestId(ctx);
        Router.Match match = router.match(req.method(), ctx.path());
        if (match == null) {
            return error(ApiException.notFound());
        }
        if (match.route().method() != req.method()) {
            return error(ApiException.line(HttpStatus.METHOD_NOT_ALLOWED, "Method Not Allowed"));
        }
        long declared = req.headers().contentLength();
        if (declared > match.route().maxBody() && !match.route().control()) {
            return error(ApiException.line(HttpStatus.REQUEST_ENTITY_TOO_LARGE, "Request Entity Too Large"));
        }
        Router.Route route = match.route();
        Faults.Decision fault = route.control() ? Faults.Decision.NONE : faults.draw(route.template(), ctx.path());
        if (fault.kind() == Faults.Kind.RESET) {
            return delayed(ctx, HttpResponse.of(CompletableFuture.supplyAsync(() -> reset(ctx), ctx.eventLoop())), fault.latencyMs());
        }
        if (fault.kind() == Faults.Kind.ERROR) {
            return delayed(ctx, error(ApiException.line(HttpStatus.INTERNAL_SERVER_ERROR, "Internal server error")), fault.latencyMs());
        }
        CompletableFuture<HttpResponse> future = req.aggregate().thenCompose(agg -> {
            if (agg.content().length() > route.maxBody() && !route.control()) {
                return CompletableFuture.completedFuture(error(ApiException.line(HttpStatus.REQUEST_ENTITY_TOO_LARGE, "Request Entity Too Large")));
            }
            return process(ctx, agg, match, requestId).thenApply(res -> fault.kind() == Faults.Kind.LOST ? dropConnection(ctx) : res);
        });
        return delayed(ctx, HttpResponse.of(future), fault.latencyMs());
    }

    private CompletableFuture<HttpResponse> process(ServiceRequestContext ctx, AggregatedHttpRequest req,
            Router.Match match, String requestId) {
        Router.Route route = match.route();
        Call call = new Call(ctx, req, match.params(), requestId, clock.instant());
        if (route.control()) {
            call.lenientContentType();
        }
        String retryKey = req.headers().get(RETRY_KEY);
        Channel channel = null;
        boolean claimed = false;
        try {
            String subject;
            if (route.auth()) {
                channel = authenticate(call, route);
                call.channel(channel);
                // UNCONFIRMED: a module channel's calls are counted per module and bot.
                subject = call.attachment() == null ? channel.channelId()
                        : call.attachment().module().channelId() + "/" + channel.channelId();
            } else if (route.authenticator() != null) {
                subject = route.authenticator().apply(call);
            } else {
                subject = "anonymous";
            }
            if (!limiter.tryAcquire(subject, route.method().name() + ' ' + route.template(), route.limit())) {
                throw ApiException.line(HttpStatus.TOO_MANY_REQUESTS, "The API rate limit has been exceeded. Try again later.");
            }
            if (retryKey != null && !route.control()) {
                if (!route.retryKey() || channel == null) {
                    // Only push, multicast, narrowcast and broadcast accept a retry key (§3.1).
                    throw ApiException.line(HttpStatus.BAD_REQUEST, "The retry key is not supported for this API",
                            List.of(new ApiException.Detail("Not supported", "X-Line-Retry-Key")));
                }
                if (!UUID_SHAPE.matcher(retryKey).matches()) {
                    throw ApiException.line(HttpStatus.BAD_REQUEST, "The value of the retry key is invalid",
                            List.of(new ApiException.Detail("Must be a UUID", "X-Line-Retry-Key")));
                }
            }
            validateAgainstSpec(call, route, req);
            if (retryKey != null && !route.control()) {
                AcceptedRetryKeys.Accepted earlier = channel.retryKeys().claim(retryKey, call.now());
                if (earlier != null) {
                    return CompletableFuture.completedFuture(conflict(earlier));
                }
                claimed = true;
            }
        } catch (ApiException e) {
            return CompletableFuture.completedFuture(error(e));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(unexpected(route, e));
        }
        final Channel ch = channel;
        final boolean release = claimed;
        CompletableFuture<Reply> result;
        try {
            result = route.handler().handle(call);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.handle((reply, failure) -> {
            if (failure != null) {
                if (release) {
                    ch.retryKeys().release(retryKey);
                }
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                return cause instanceof ApiException ae ? error(ae) : unexpected(route, cause);
            }
            if (release) {
                if (reply.status().isSuccess()) {
                    ch.retryKeys().accept(retryKey, requestId, reply.acceptedSentMessages(), call.now());
                } else {
                    ch.retryKeys().release(retryKey);
                }
            }
            return toResponse(reply);
        });
    }

    /**
     * The channel a Messaging API call acts for: the bot whose token it carries, or, with a module
     * channel's token, the attached bot its {@code X-Line-Bot-Id} names ("Using the Messaging API from
     * a module channel"). A module channel sends messages only with the {@code message:send} scope its
     * admin granted (UNCONFIRMED: which scope each other endpoint needs is not checked).
     */
    private Channel authenticate(Call call, Router.Route route) {
        String authorization = call.header("authorization");
        try {
            return tokens.authenticate(authorization, call.now());
        } catch (ApiException notABot) {
            Modules.Module module = authorization == null || authorization.length() < 8 ? null
                    : modules.module(tokens.ownerOf(authorization.substring(7).strip(), call.now()));
            if (module == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw notABot;
            }
            Modules.Attachment a = Modules.acting(module, call.header(Modules.BOT_ID_HEADER));
            if (route.template().startsWith("/v2/bot/message/") && route.method() == HttpMethod.POST
                    && !route.template().startsWith("/v2/bot/message/validate") && !a.scopes().contains("message:send")) {
                // UNCONFIRMED status and wording.
                throw ApiException.line(HttpStatus.FORBIDDEN, "The module channel was not granted the scope message:send");
            }
            call.attachment(a);
            return a.bot();
        }
    }

    /**
     * The OpenAPI check. Content type and JSON syntax are checked first, by {@link Call#json()}, so
     * that those failures get the platform's own messages (415, "could not be parsed as JSON").
     */
    private void validateAgainstSpec(Call call, Router.Route route, AggregatedHttpRequest req) {
        if (specs.isEmpty() || route.control() || !route.jsonBody()
                || !(route.template().startsWith("/v2/bot/") || route.template().startsWith("/liff/v1/")
                        || route.template().startsWith("/shop/v3/"))
                || route.template().endsWith("/content")) {
            return;
        }
        if (!req.content().isEmpty()) {
            JsonNode body = call.json();
            // Message objects first, with the platform's own wording ("Must be one of the following
            // values", "Size must be between 1 and 5"); the spec then checks everything else.
            if (body.isObject() && body.has("messages")) {
                MessageValidator.messages(body);
            }
        }
        for (SpecValidator spec : specs) {
            if (spec.covers(route.template())) {
                List<ApiException.Detail> details = spec.validate(route.method().name(), call.ctx().path(), call.ctx().query(), req);
                if (!details.isEmpty()) {
                    throw ApiException.invalid(details);
                }
                return;
            }
        }
    }

    private static HttpResponse conflict(AcceptedRetryKeys.Accepted earlier) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("message", "The retry key is already accepted");
        if (earlier.sentMessages() != null) {
            body.set("sentMessages", earlier.sentMessages());
        }
        ResponseHeadersBuilder h = ResponseHeaders.builder(HttpStatus.CONFLICT).contentType(MediaType.JSON_UTF_8);
        if (!AcceptedRetryKeys.isInFlight(earlier)) {
            h.add("x-line-accepted-request-id", earlier.requestId());
        }
        return HttpResponse.of(h.build(), HttpData.wrap(write(body)));
    }

    public static HttpResponse toResponse(Reply reply) {
        ResponseHeadersBuilder h = ResponseHeaders.builder(reply.status());
        reply.headers().forEach(h::add);
        if (reply.json() != null) {
            h.contentType(MediaType.JSON_UTF_8);
            return HttpResponse.of(h.build(), HttpData.wrap(write(reply.json())));
        }
        if (reply.rawType() != null) {
            h.contentType(reply.rawType());
        }
        return HttpResponse.of(h.build(), HttpData.wrap(reply.raw()));
    }

    public static HttpResponse error(ApiException e) {
        return HttpResponse.of(ResponseHeaders.builder(e.status()).contentType(MediaType.JSON_UTF_8).build(),
                HttpData.wrap(write(e.body())));
    }

    private static HttpResponse unexpected(Router.Route route, Throwable t) {
        // A bug in the emulator: say so in the log (no request data), never in the response.
        log.warn("Unexpected failure in {} {}: {}", route.method(), route.template(), t.toString());
        return error(ApiException.line(HttpStatus.INTERNAL_SERVER_ERROR, "Internal server error"));
    }

    static byte[] write(JsonNode node) {
        try {
            return Json.mapper().writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse delayed(ServiceRequestContext ctx, HttpResponse res, long latencyMs) {
        if (latencyMs <= 0) {
            return res;
        }
        ctx.setRequestTimeout(Duration.ofMillis(latencyMs).plus(ctx.requestTimeoutMillis() > 0
                ? Duration.ofMillis(ctx.requestTimeoutMillis()) : Duration.ZERO));
        return HttpResponse.delayed(res, Duration.ofMillis(latencyMs), ctx.eventLoop());
    }

    /**
     * Drops the connection without an answer. The response is held open first (so the client sees
     * no response at all and times out), then the underlying channel is closed.
     */
    private static HttpResponse dropConnection(ServiceRequestContext ctx) {
        ctx.clearRequestTimeout();
        CompletableFuture<HttpResponse> never = new CompletableFuture<>();
        ctx.eventLoop().schedule(() -> {
            closeChannel(ctx);
            never.completeExceptionally(new IOException("connection dropped by fault injection"));
        }, LOST_HOLD.toMillis(), TimeUnit.MILLISECONDS);
        ctx.whenRequestCancelling().thenRun(() -> never.complete(HttpResponse.of(HttpStatus.SERVICE_UNAVAILABLE)));
        return HttpResponse.of(never);
    }

    private static void closeChannel(ServiceRequestContext ctx) {
        try {
            Method m = ctx.getClass().getDeclaredMethod("channel");
            m.setAccessible(true);
            ((io.netty.channel.Channel) m.invoke(ctx)).close();  // fully qualified: the emulator's own Channel is imported
        } catch (ReflectiveOperationException | RuntimeException e) {
            ctx.cancel();
        }
    }

    /** Immediate reset: close the connection before anything is processed. */
    public static HttpResponse reset(ServiceRequestContext ctx) {
        closeChannel(ctx);
        return HttpResponse.of(HttpStatus.SERVICE_UNAVAILABLE);
    }
}
