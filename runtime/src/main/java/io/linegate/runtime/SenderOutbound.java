package io.linegate.runtime;

import com.linecorp.bot.messaging.client.MessagingApiBlobClient;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import io.linegate.messaging.MessageSender;
import io.linegate.webhook.HandlerRun;
import io.linegate.webhook.Outbound;

/**
 * Handlers' sends through the messaging module's sending pipeline: each handler run gets an
 * {@link EventMessagingApi} over the sender's pipeline with the run's {@link ReplyLedger} in front and,
 * last, a check before every attempt that the run may still send ({@link HandlerRun#checkSendingAllowed}):
 * a retry after a backoff, or an attempt that waited through a pause of the process, does not reach LINE
 * once this node's lease on the event's partition has run out.
 */
final class SenderOutbound implements Outbound {
    private final MessageSender sender;

    SenderOutbound(MessageSender sender) {
        this.sender = sender;
    }

    @Override
    public MessagingApiClient api(HandlerRun run) {
        return new EventMessagingApi(run, sender.pipeline().with(new ReplyLedger(run)).withLast(chain -> {
            run.checkSendingAllowed();
            return chain.proceed(chain.send());
        }), sender.api());
    }

    @Override
    public MessagingApiBlobClient blob() {
        return sender.blob();
    }
}
