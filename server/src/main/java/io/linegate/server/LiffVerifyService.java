package io.linegate.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.linegate.core.Json;
import io.linegate.login.InvalidIdTokenException;
import io.linegate.login.LiffAuth;
import io.linegate.login.LiffAuth.VerifiedUser;
import io.linegate.login.LoginApiException;
import java.io.IOException;
import java.util.Iterator;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server endpoint a LIFF app posts its token to (LIFF docs, "Using user data in LIFF apps and servers"): {@code {"idToken": "..."}} or
 * {@code {"accessToken": "..."}}, nothing else. It answers the user the token proves, or 401.
 *
 * <p>The body is checked field by field: a request that carries a {@code userId} (or a profile, or
 * anything but the one token) is refused with 400 naming the field, so a client cannot be written to
 * rely on a user id it sent, even by accident.
 */
public final class LiffVerifyService implements HttpService {
    private static final Logger log = LoggerFactory.getLogger(LiffVerifyService.class);
    private final LiffAuth auth;
    private final BiFunction<ServiceRequestContext, VerifiedUser, ObjectNode> answer;

    /** Answers {@code {"userId","displayName","pictureUrl","verifiedBy"}}. */
    public LiffVerifyService(LiffAuth auth) {
        this(auth, (ctx, user) -> userJson(user));
    }

    /** {@code answer} builds the 200 body for a verified user, for a site that also starts a session or looks up a member. */
    public LiffVerifyService(LiffAuth auth, BiFunction<ServiceRequestContext, VerifiedUser, ObjectNode> answer) {
        this.auth = auth;
        this.answer = answer;
    }

    public static ObjectNode userJson(VerifiedUser user) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("userId", user.userId());
        o.put("displayName", user.displayName());
        o.put("pictureUrl", user.pictureUrl());
        o.put("verifiedBy", user.via());
        return o;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        return HttpResponse.of(req.aggregate().thenApplyAsync(agg -> {
            if (!MediaType.JSON.is(agg.contentType() == null ? MediaType.PLAIN_TEXT : agg.contentType().withoutParameters())) {
                return error(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "The request body must be JSON", null);
            }
            JsonNode body;
            try {
                body = Json.mapper().readTree(agg.contentUtf8());
            } catch (IOException e) {
                return error(HttpStatus.BAD_REQUEST, "The request body has 1 error(s)", detail("The body is not valid JSON", ""));
            }
            if (body == null || !body.isObject()) {
                return error(HttpStatus.BAD_REQUEST, "The request body has 1 error(s)", detail("Must be a JSON object", ""));
            }
            for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!name.equals("idToken") && !name.equals("accessToken")) {
                    return error(HttpStatus.BAD_REQUEST, "The request body has 1 error(s)", detail(
                            "Not accepted: send the ID token or access token from the LIFF SDK; the server "
                                    + "establishes the user from it, never from data the client sends", name));
                }
            }
            String idToken = body.path("idToken").asText("");
            String accessToken = body.path("accessToken").asText("");
            if (idToken.isEmpty() == accessToken.isEmpty()) {
                return error(HttpStatus.BAD_REQUEST, "The request body has 1 error(s)",
                        detail("Exactly one of idToken and accessToken is required", idToken.isEmpty() ? "idToken" : "accessToken"));
            }
            try {
                VerifiedUser user = idToken.isEmpty() ? auth.fromAccessToken(accessToken) : auth.fromIdToken(idToken);
                return HttpResponse.ofJson(answer.apply(ctx, user));
            } catch (InvalidIdTokenException e) {
                return error(HttpStatus.UNAUTHORIZED, "Invalid ID token: " + e.getMessage(), null);
            } catch (LoginApiException e) {
                return e.status() / 100 == 5
                        ? error(HttpStatus.BAD_GATEWAY, "LINE could not verify the token now; try again", null)
                        : error(HttpStatus.UNAUTHORIZED, "Invalid access token: " + e.getMessage(), null);
            } catch (IOException e) {
                log.warn("LINE was unreachable verifying a LIFF token: {}", e.toString());
                return error(HttpStatus.BAD_GATEWAY, "LINE could not be reached to verify the token; try again", null);
            }
        }, ctx.blockingTaskExecutor()));
    }

    private static ObjectNode detail(String message, String property) {
        return Json.mapper().createObjectNode().put("message", message).put("property", property);
    }

    private static HttpResponse error(HttpStatus status, String message, ObjectNode detail) {
        ObjectNode o = Json.mapper().createObjectNode().put("message", message);
        if (detail != null) {
            o.putArray("details").add(detail);
        }
        return HttpResponse.of(status, MediaType.JSON_UTF_8, o.toString());
    }
}
