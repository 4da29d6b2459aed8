package io.linegate.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.bot.client.base.Result;
import com.linecorp.bot.jackson.ModelObjectMapper;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.messaging.model.MulticastRequest;
import com.linecorp.bot.messaging.model.PushMessageRequest;
import com.linecorp.bot.messaging.model.ReplyMessageResponse;
import com.linecorp.bot.messaging.model.SentMessage;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * {@link EventContext#api()}: the Messaging API client of the sending stack, seen from one handler
 * run. Its sends are the run's sends: each takes the run's next position, a push, multicast,
 * broadcast or narrowcast without a key of its own gets the event's retry key for that position, a
 * reply an earlier run had accepted at that position is answered from the record instead of sent,
 * and nothing is sent in standby mode. Every other call goes to the stack as it is.
 */
final class EventApi {
    private static final ObjectMapper SDK = ModelObjectMapper.createNewObjectMapper();

    private EventApi() {}

    static MessagingApiClient of(DispatchedEvent run, MessagingApiClient stack) {
        return (MessagingApiClient) Proxy.newProxyInstance(MessagingApiClient.class.getClassLoader(),
                new Class<?>[] {MessagingApiClient.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return switch (method.getName()) {
                            case "toString" -> "MessagingApiClient of event " + run.eventId();
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            default -> throw new UnsupportedOperationException(method.getName());
                        };
                    }
                    switch (method.getName()) {
                        case "pushMessage" -> {
                            run.checkSendingAllowed();
                            args[0] = key(run, args[0], "push", ((PushMessageRequest) args[1]).to());
                        }
                        case "multicast" -> {
                            run.checkSendingAllowed();
                            args[0] = key(run, args[0], "multicast", String.join(",", ((MulticastRequest) args[1]).to()));
                        }
                        case "broadcast", "narrowcast" -> {
                            run.checkSendingAllowed();
                            args[0] = key(run, args[0], method.getName(), null);
                        }
                        case "replyMessage" -> {
                            run.checkSendingAllowed();
                            return reply(run, stack, method, args);
                        }
                        case "pushMessagesByPhone" -> run.checkSendingAllowed();
                        default -> {
                            // not a send
                        }
                    }
                    return call(stack, method, args);
                });
    }

    private static UUID key(DispatchedEvent run, Object given, String kind, String recipient) {
        int position = run.nextSend();
        return given != null ? (UUID) given : run.retryKey(position, kind, recipient);
    }

    private static Object reply(DispatchedEvent run, MessagingApiClient stack, Method method, Object[] args)
            throws Throwable {
        int position = run.nextSend();
        SentLedger.Reply earlier = run.earlierReply(position);
        if (earlier != null) {
            List<SentMessage> sent = earlier.sentMessages() == null ? List.of()
                    : SDK.convertValue(earlier.sentMessages(), SDK.getTypeFactory().constructCollectionType(List.class, SentMessage.class));
            return CompletableFuture.completedFuture(new Result<>(earlier.requestId(), null, new ReplyMessageResponse(sent)));
        }
        @SuppressWarnings("unchecked")
        CompletableFuture<Result<ReplyMessageResponse>> sent = (CompletableFuture<Result<ReplyMessageResponse>>)
                call(stack, method, args);
        return sent.thenApply(r -> {
            JsonNode messages = r.body() == null || r.body().sentMessages() == null ? null : SDK.valueToTree(r.body().sentMessages());
            run.recordReply(position, r.requestId(), messages);
            return r;
        });
    }

    private static Object call(MessagingApiClient stack, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(stack, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
