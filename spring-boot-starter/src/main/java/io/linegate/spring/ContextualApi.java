package io.linegate.spring;

import com.linecorp.bot.messaging.client.MessagingApiBlobClient;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import io.linegate.webhook.EventContext;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The {@code MessagingApiClient} (and blob client) beans: inside an {@link EventMapping} method, the
 * handled event's client ({@link EventContext#api()}), so that the method's pushes and replies get the
 * event's retry keys and are not sent twice when it is retried; anywhere else (a scheduled job, a web
 * controller), the channel's client. Both go through linegate's sending stack (managed token, rate
 * limits, API request log, retries with the same key).
 */
final class ContextualApi {
    private ContextualApi() {}

    static MessagingApiClient messaging(String channel, Supplier<MessagingApiClient> outside) {
        return proxy(MessagingApiClient.class, channel, EventContext::api, outside);
    }

    static MessagingApiBlobClient blob(String channel, Supplier<MessagingApiBlobClient> outside) {
        return proxy(MessagingApiBlobClient.class, channel, EventContext::blob, outside);
    }

    private static <T> T proxy(Class<T> type, String channel, Function<EventContext, T> inside, Supplier<T> outside) {
        InvocationHandler handler = (self, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> self == args[0];
                    case "hashCode" -> System.identityHashCode(self);
                    default -> "linegate " + type.getSimpleName() + " of channel " + channel;
                };
            }
            EventContext ctx = CurrentEvent.of(channel);
            T target = ctx != null ? inside.apply(ctx) : outside.get();
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }
}
