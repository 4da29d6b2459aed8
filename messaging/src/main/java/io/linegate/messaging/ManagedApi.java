package io.linegate.messaging;

import com.linecorp.bot.client.base.Result;
import com.linecorp.bot.messaging.client.MessagingApiBlobClient;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.messaging.client.MessagingApiClientException;
import com.linecorp.bot.messaging.model.BroadcastRequest;
import com.linecorp.bot.messaging.model.MulticastRequest;
import com.linecorp.bot.messaging.model.NarrowcastRequest;
import com.linecorp.bot.messaging.model.PushMessageRequest;
import com.linecorp.bot.messaging.model.PushMessageResponse;
import com.linecorp.bot.messaging.model.ReplyMessageRequest;
import com.linecorp.bot.messaging.model.ReplyMessageResponse;
import com.linecorp.bot.messaging.model.SentMessage;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The official SDK's client interfaces, answered through a {@link MessageSender}: the sends take the
 * sender's retry discipline, every other call goes to the SDK client built with the sender's token,
 * rate limits and request log. Failures of every call are {@link LineApiException}s by status.
 */
final class ManagedApi {
    private ManagedApi() {}

    /** The Messaging API client: see {@link MessageSender#api()}. */
    static MessagingApiClient client(MessageSender sender, MessagingApiClient raw) {
        return proxy(MessagingApiClient.class, raw, (method, args) -> switch (method.getName()) {
            case "pushMessage" -> now(() -> {
                SendResult r = sender.push(key(args[0]), (PushMessageRequest) args[1]);
                return new Result<>(r.requestId(), r.acceptedRequestId(), new PushMessageResponse(sdk(r.sentMessages())));
            });
            case "multicast" -> now(() -> accepted(sender.multicast(key(args[0]), (MulticastRequest) args[1])));
            case "broadcast" -> now(() -> accepted(sender.broadcast(key(args[0]), (BroadcastRequest) args[1])));
            case "narrowcast" -> now(() -> accepted(sender.narrowcast(key(args[0]), (NarrowcastRequest) args[1])));
            case "replyMessage" -> now(() -> {
                SendResult r = sender.reply((ReplyMessageRequest) args[0]);
                return new Result<>(r.requestId(), null, new ReplyMessageResponse(sdk(r.sentMessages())));
            });
            default -> null; // not intercepted
        });
    }

    /** The blob client, with failures typed by status. */
    static MessagingApiBlobClient blob(MessagingApiBlobClient raw) {
        return proxy(MessagingApiBlobClient.class, raw, (method, args) -> null);
    }

    /** Handles a call itself, or returns null to pass it to the SDK's client. */
    private interface Intercept {
        CompletableFuture<?> call(Method method, Object[] args);
    }

    private static <T> T proxy(Class<T> type, T raw, Intercept intercept) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "toString" -> type.getSimpleName() + " through linegate's sending stack";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                };
            }
            CompletableFuture<?> own = intercept.call(method, args);
            if (own != null) {
                return own;
            }
            Object result;
            try {
                result = method.invoke(raw, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            return result instanceof CompletableFuture<?> f ? typedFailures(f) : result;
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    /** The SDK's exception for an error status becomes a {@link LineApiException} of that status. */
    private static <T> CompletableFuture<T> typedFailures(CompletableFuture<T> call) {
        CompletableFuture<T> out = new CompletableFuture<>();
        call.whenComplete((v, e) -> {
            if (e == null) {
                out.complete(v);
                return;
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            out.completeExceptionally(cause instanceof MessagingApiClientException m ? MessageSender.typed(m) : cause);
        });
        return out;
    }

    private interface Send {
        Result<?> run() throws Exception;
    }

    /** Runs a send now, on the caller's thread, and hands back its outcome as the SDK would: a future. */
    private static CompletableFuture<?> now(Send send) {
        try {
            return CompletableFuture.completedFuture(send.run());
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static UUID key(Object given) {
        return given == null ? UUID.randomUUID() : (UUID) given;
    }

    private static Result<Object> accepted(SendResult r) {
        return new Result<>(r.requestId(), r.acceptedRequestId(), Map.of());
    }

    static List<SentMessage> sdk(List<SendResult.SentMessage> sent) {
        return sent.stream().map(m -> new SentMessage(m.id(), m.quoteToken())).toList();
    }
}
