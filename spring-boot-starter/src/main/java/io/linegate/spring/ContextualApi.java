package io.linegate.spring;

import com.linecorp.bot.messaging.client.MessagingApiBlobClient;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import io.linegate.messaging.ForwardingMessagingApiBlobClient;
import io.linegate.messaging.ForwardingMessagingApiClient;
import io.linegate.webhook.EventContext;
import java.util.function.Supplier;

/**
 * The {@code MessagingApiClient} (and blob client) beans: inside an {@link EventMapping} method, the
 * handled event's client, whatever the channel the bean was made for (with several channels, a handler
 * that serves them all and uses the injected bean replies on the event's channel) ({@link EventContext#api()}), so that the method's pushes and replies get the
 * event's retry keys and are not sent twice when it is retried; anywhere else (a scheduled job, a web
 * controller), the channel's client. Both go through linegate's sending pipeline (managed token, rate
 * limits, API request log, retries with the same key).
 */
final class ContextualApi {
    private ContextualApi() {}

    static MessagingApiClient messaging(String channel, Supplier<MessagingApiClient> outside) {
        return new ForwardingMessagingApiClient() {
            @Override
            protected MessagingApiClient delegate() {
                EventContext ctx = CurrentEvent.current();
                return ctx != null ? ctx.api() : outside.get();
            }

            @Override
            public String toString() {
                return "linegate MessagingApiClient of channel " + channel;
            }
        };
    }

    static MessagingApiBlobClient blob(String channel, Supplier<MessagingApiBlobClient> outside) {
        return new ForwardingMessagingApiBlobClient() {
            @Override
            protected MessagingApiBlobClient delegate() {
                EventContext ctx = CurrentEvent.current();
                return ctx != null ? ctx.blob() : outside.get();
            }

            @Override
            public String toString() {
                return "linegate MessagingApiBlobClient of channel " + channel;
            }
        };
    }
}
