package io.linegate.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.bot.client.base.http.HttpRequest;
import com.linecorp.bot.messaging.model.ReplyMessageRequest;
import io.linegate.core.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands the attempt number of a send from the sending pipeline to the API request log, which sees the
 * HTTP request the SDK client makes on its own thread. Each send in flight is registered under what
 * identifies it on the wire, which every attempt of it carries and no other request in flight does: its
 * retry key (push, multicast, broadcast, narrowcast), its reply token (a reply, which has no retry key
 * but can be retried after a refused connection), or its user (a link token). The log reads the
 * number back from the request; a request that is no send (a profile, a quota) is attempt 1.
 */
final class AttemptsInFlight {
    private static final String REPLY_PATH = Send.Endpoint.REPLY.path();
    private static final String LINK_TOKEN_PREFIX = "/v2/bot/user/";
    private static final String LINK_TOKEN_SUFFIX = "/linkToken";

    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();

    void begin(Send send) {
        String id = identity(send);
        if (id != null) {
            inFlight.put(id, send.attempt());
        }
    }

    void end(Send send) {
        String id = identity(send);
        if (id != null) {
            inFlight.remove(id, send.attempt());
        }
    }

    /** The attempt number of the send {@code request} belongs to; 1 for a request that is no send in flight. */
    int attemptOf(HttpRequest request) {
        if (inFlight.isEmpty()) {
            return 1;
        }
        String id = identity(request);
        return id == null ? 1 : inFlight.getOrDefault(id, 1);
    }

    /** What identifies a send on the wire; null if nothing does. */
    static String identity(Send send) {
        if (send.retryKey() != null) {
            return "key " + send.retryKey();
        }
        return switch (send.endpoint()) {
            case REPLY -> send.body() instanceof ReplyMessageRequest r && r.replyToken() != null
                    ? "reply " + r.replyToken() : null;
            case LINK_TOKEN -> "link " + send.userId();
            default -> null;
        };
    }

    /** The same identity read from an HTTP request the SDK client makes; null for one that is no send. */
    static String identity(HttpRequest request) {
        for (Map.Entry<String, List<String>> h : request.headers().entrySet()) {
            if (h.getKey().equalsIgnoreCase("x-line-retry-key") && !h.getValue().isEmpty()) {
                return "key " + h.getValue().get(0);
            }
        }
        String path = request.url().getPath();
        if (path.equals(REPLY_PATH) && request.body() != null && !request.body().isOneShot()) {
            try {
                JsonNode token = Json.mapper().readTree(new String(request.body().readByteArray(), StandardCharsets.UTF_8))
                        .path("replyToken");
                return token.isTextual() ? "reply " + token.asText() : null;
            } catch (IOException e) {
                return null;
            }
        }
        if (path.startsWith(LINK_TOKEN_PREFIX) && path.endsWith(LINK_TOKEN_SUFFIX)) {
            return "link " + path.substring(LINK_TOKEN_PREFIX.length(), path.length() - LINK_TOKEN_SUFFIX.length());
        }
        return null;
    }
}
