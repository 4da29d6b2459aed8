package io.linegate.server;

import io.linegate.core.RateLimitedLog;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.linegate.core.Secret;
import io.linegate.runtime.WrongTokenLimit;
import java.net.InetAddress;

/**
 * The admin API's bearer token: the valid token always works, and wrong tokens are limited per
 * client address (a request without one is a 401 and no guess): {@value #BURST} failures at once,
 * then one more every {@value #REFILL_MILLIS} ms, a wrong token beyond that answered {@code 429} with
 * {@code Retry-After}.
 *
 * <p>The token is compared first, in constant time, and exactly: the credentials must be
 * {@code Bearer} (any case), one space and the token byte for byte (RFC 6750 section 2.1), so a token
 * with a space, another character around it or a second space is wrong. Only then does a wrong one
 * count against its address, so that another process on the operator's machine sending wrong tokens
 * cannot lock the operator out. Guessing gains nothing from that: the token has at least 128 bits
 * ({@value #MIN_TOKEN_LENGTH} hexadecimal digits), which no rate of guesses finds. (A space after the
 * header value is not the token's on HTTP/1.1: the protocol strips it before anyone sees it.)
 * The limit is {@link WrongTokenLimit}, which the console's sign-in uses too.
 */
final class AdminAuth implements DecoratingHttpServiceFunction {
    /** The shortest token accepted at start-up: 128 bits as 32 hexadecimal digits. */
    static final int MIN_TOKEN_LENGTH = 32;
    static final int BURST = WrongTokenLimit.BURST;
    static final long REFILL_MILLIS = WrongTokenLimit.REFILL_MILLIS;

    private final Secret token;
    private final RateLimitedLog clientErrors;
    private final WrongTokenLimit failures = new WrongTokenLimit();

    AdminAuth(Secret token, RateLimitedLog clientErrors) {
        this.token = token;
        this.clientErrors = clientErrors;
    }

    /** Why a token is too weak to guard the admin API, or null. */
    static String weakness(Secret token) {
        int length = token.reveal().length();
        return length >= MIN_TOKEN_LENGTH ? null : "the admin token must be at least " + MIN_TOKEN_LENGTH
                + " characters long (it is " + length + "); make one with: openssl rand -hex 32";
    }

    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        InetAddress client = ctx.clientAddress();
        String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION, "");
        boolean bearer = auth.regionMatches(true, 0, "Bearer ", 0, 7);
        if (bearer && token.matches(auth.substring(7))) {
            return delegate.serve(ctx, req);
        }
        String address = client.getHostAddress();
        if (bearer && failures.exhausted(address)) {
            clientErrors.warn("{} {} {} from {}: too many failed admin authentications; answered 429",
                    ctx.id().text(), ctx.method(), ctx.path(), client.getHostAddress());
            return HttpResponse.of(ResponseHeaders.builder(HttpStatus.TOO_MANY_REQUESTS).contentType(MediaType.JSON_UTF_8)
                    .add(HttpHeaderNames.RETRY_AFTER, String.valueOf(Math.max(1, REFILL_MILLIS / 1000))).build(),
                    com.linecorp.armeria.common.HttpData.ofUtf8(JsonErrors.body(
                            "Too many failed authentications; try again later")));
        }
        if (!bearer) {
            // No token presented is not a guess (a probe such as linegate preflight's): 401, not counted.
            clientErrors.info("{} {} {} from {}: no admin token; answered 401", ctx.id().text(), ctx.method(),
                    ctx.path(), client.getHostAddress());
            return JsonErrors.response(HttpStatus.UNAUTHORIZED, "Admin token required");
        }
        failures.failed(address);
        clientErrors.info("{} {} {} from {}: wrong admin token; answered 401", ctx.id().text(),
                ctx.method(), ctx.path(), client.getHostAddress());
        return JsonErrors.response(HttpStatus.UNAUTHORIZED, "The admin token does not match");
    }
}
