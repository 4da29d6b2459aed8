package io.linegate.runtime;

import com.linecorp.bot.client.base.Result;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.messaging.model.PnpMessagesRequest;
import io.linegate.messaging.PipelineMessagingApi;
import io.linegate.messaging.Send;
import io.linegate.messaging.SendPipeline;
import io.linegate.webhook.HandlerRun;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * {@code EventContext.api()}: the official client whose sends are one handler run's sends. Each send
 * takes the run's next position; a push, multicast, broadcast or narrowcast without a key of the
 * caller's gets the event's retry key for that position; a reply carries the push to make instead
 * (with its own derived key) for a sender that falls back; nothing is sent in standby mode. The
 * run's {@link ReplyLedger} is the first link of the pipeline this client sends through.
 */
final class EventMessagingApi extends PipelineMessagingApi {
    private final HandlerRun run;

    EventMessagingApi(HandlerRun run, SendPipeline pipeline, MessagingApiClient sendingStack) {
        super(pipeline, sendingStack);
        this.run = run;
    }

    @Override
    protected Send prepare(Send.Endpoint endpoint, Object body, UUID givenKey, String recipient) {
        if (endpoint == Send.Endpoint.LINK_TOKEN) {
            return Send.linkToken((String) body); // not a message: no position, sent in standby too
        }
        run.checkSendingAllowed();
        int position = run.nextSend();
        Send.EventSend event = new Send.EventSend(run.eventId(), position);
        if (endpoint == Send.Endpoint.REPLY) {
            Send reply = new Send(endpoint, body, null, event, null, 1);
            return run.conversation()
                    .map(to -> reply.withFallback(new Send.Fallback(to, run.retryKey(position, "reply-fallback", to))))
                    .orElse(reply);
        }
        String kind = endpoint.name().toLowerCase(Locale.ROOT);
        UUID key = givenKey != null ? givenKey : run.retryKey(position, kind, recipient);
        return new Send(endpoint, body, key, event, null, 1);
    }

    @Override
    public CompletableFuture<Result<Void>> pushMessagesByPhone(String deliveryTag, PnpMessagesRequest request) {
        run.checkSendingAllowed();
        return super.pushMessagesByPhone(deliveryTag, request);
    }

    @Override
    public String toString() {
        return "MessagingApiClient of event " + run.eventId();
    }
}
