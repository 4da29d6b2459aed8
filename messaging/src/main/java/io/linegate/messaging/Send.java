package io.linegate.messaging;

import com.linecorp.bot.messaging.model.BroadcastRequest;
import com.linecorp.bot.messaging.model.MulticastRequest;
import com.linecorp.bot.messaging.model.NarrowcastRequest;
import com.linecorp.bot.messaging.model.PushMessageRequest;
import com.linecorp.bot.messaging.model.ReplyMessageRequest;
import java.util.Objects;
import java.util.UUID;

/**
 * One send to the Messaging API as a value: what is sent ({@link Endpoint} and the SDK's request
 * body), its {@code X-Line-Retry-Key} (required by every endpoint that takes one, refused by the
 * others), the handled event it belongs to if any, and which attempt this is. It passes the
 * {@link SendInterceptor}s of a {@link SendPipeline}; an interceptor that tries again passes a copy
 * with the next attempt number ({@link #withAttempt}), so that the attempt travels with the send and
 * nothing downstream counts it again.
 *
 * @param endpoint the Messaging API operation
 * @param body     the SDK request ({@link PushMessageRequest}, ...; the user id for {@link Endpoint#LINK_TOKEN})
 * @param retryKey the retry key of every attempt; never null where the endpoint takes one, null elsewhere
 * @param event    the handled event and the send's position among its sends, or null outside a handler
 * @param fallback for a reply: the push to make instead when LINE refuses the reply token, or null
 * @param attempt  1 for the first attempt
 */
public record Send(Endpoint endpoint, Object body, UUID retryKey, EventSend event, Fallback fallback, int attempt) {

    /** The Messaging API operations that go through the pipeline. */
    public enum Endpoint {
        REPLY("/v2/bot/message/reply", false, ReplyMessageRequest.class),
        PUSH("/v2/bot/message/push", true, PushMessageRequest.class),
        MULTICAST("/v2/bot/message/multicast", true, MulticastRequest.class),
        BROADCAST("/v2/bot/message/broadcast", true, BroadcastRequest.class),
        NARROWCAST("/v2/bot/message/narrowcast", true, NarrowcastRequest.class),
        LINK_TOKEN("/v2/bot/user/{userId}/linkToken", false, String.class);

        private final String path;
        private final boolean keyed;
        private final Class<?> bodyType;

        Endpoint(String path, boolean keyed, Class<?> bodyType) {
            this.path = path;
            this.keyed = keyed;
            this.bodyType = bodyType;
        }

        /** The path as LINE's reference writes it. */
        public String path() {
            return path;
        }

        /** True where LINE takes an {@code X-Line-Retry-Key}: every attempt of such a send carries one. */
        public boolean keyed() {
            return keyed;
        }
    }

    /**
     * The event a send is made for: its {@code webhookEventId} and the send's position among the sends
     * of the handler run (0 for the first), from which its retry key is derived.
     */
    public record EventSend(String eventId, int position) {
        public EventSend {
            Objects.requireNonNull(eventId, "eventId");
        }
    }

    /** The push that replaces a reply LINE refused (400): its recipient and its own retry key. */
    public record Fallback(String to, UUID retryKey) {
        public Fallback {
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(retryKey, "a fallback push needs a retry key");
        }
    }

    public Send {
        Objects.requireNonNull(endpoint, "endpoint");
        if (!endpoint.bodyType.isInstance(body)) {
            throw new IllegalArgumentException(endpoint + " takes a " + endpoint.bodyType.getSimpleName()
                    + ", was " + (body == null ? "null" : body.getClass().getSimpleName()));
        }
        if (endpoint.keyed && retryKey == null) {
            throw new IllegalArgumentException(endpoint + " needs a retry key (X-Line-Retry-Key) on every attempt");
        }
        if (!endpoint.keyed && retryKey != null) {
            throw new IllegalArgumentException(endpoint + " takes no retry key");
        }
        if (fallback != null && endpoint != Endpoint.REPLY) {
            throw new IllegalArgumentException("only a reply has a fallback push");
        }
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1, was " + attempt);
        }
    }

    public static Send reply(ReplyMessageRequest request) {
        return new Send(Endpoint.REPLY, request, null, null, null, 1);
    }

    public static Send push(UUID retryKey, PushMessageRequest request) {
        return new Send(Endpoint.PUSH, request, retryKey, null, null, 1);
    }

    public static Send multicast(UUID retryKey, MulticastRequest request) {
        return new Send(Endpoint.MULTICAST, request, retryKey, null, null, 1);
    }

    public static Send broadcast(UUID retryKey, BroadcastRequest request) {
        return new Send(Endpoint.BROADCAST, request, retryKey, null, null, 1);
    }

    public static Send narrowcast(UUID retryKey, NarrowcastRequest request) {
        return new Send(Endpoint.NARROWCAST, request, retryKey, null, null, 1);
    }

    /** Issues a link token for {@code userId} (Messaging API reference, "Issue link token"). */
    public static Send linkToken(String userId) {
        return new Send(Endpoint.LINK_TOKEN, userId, null, null, null, 1);
    }

    /** This send as the {@code attempt}-th attempt. */
    public Send withAttempt(int attempt) {
        return new Send(endpoint, body, retryKey, event, fallback, attempt);
    }

    /** This send, made for {@code event}. */
    public Send forEvent(EventSend event) {
        return new Send(endpoint, body, retryKey, event, fallback, attempt);
    }

    /** This reply, with a push to {@code fallback.to()} in its place if LINE refuses the reply token. */
    public Send withFallback(Fallback fallback) {
        return new Send(endpoint, body, retryKey, event, fallback, attempt);
    }

    /** The send as a user id (the link token's user), for {@link Endpoint#LINK_TOKEN}. */
    String userId() {
        return (String) body;
    }

    @Override
    public String toString() {
        // Never the body: it holds the reply token and the users' texts.
        return "Send[" + endpoint + (retryKey == null ? "" : " key " + retryKey)
                + (event == null ? "" : " for event " + event.eventId() + "#" + event.position())
                + ", attempt " + attempt + "]";
    }
}
