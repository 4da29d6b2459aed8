package io.linegate.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.linegate.core.Json;
import io.linegate.messaging.LineApiException;
import io.linegate.messaging.Send;
import io.linegate.messaging.SendInterceptor;
import io.linegate.messaging.SendResult;
import io.linegate.webhook.HandlerRun;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The first link of a handler run's sends: a reply that an earlier run of the handler for the same
 * event had LINE accept at the same position is answered from the record instead of sent again (a
 * reply token is single use: LINE would refuse it, and a fallback push would send it twice), and a
 * reply LINE accepts now is recorded, durably, before the handler goes on.
 */
final class ReplyLedger implements SendInterceptor {
    private final HandlerRun run;

    ReplyLedger(HandlerRun run) {
        this.run = run;
    }

    @Override
    public SendResult intercept(Chain chain) throws LineApiException, IOException {
        Send send = chain.send();
        if (send.endpoint() != Send.Endpoint.REPLY || send.event() == null) {
            return chain.proceed(send);
        }
        int position = send.event().position();
        Optional<HandlerRun.AcceptedReply> earlier = run.earlierReply(position);
        if (earlier.isPresent()) {
            return new SendResult(earlier.get().requestId(), null, sentMessages(earlier.get().sentMessages()), null, 0);
        }
        SendResult r = chain.proceed(send);
        run.recordReply(position, r.requestId(), json(r.sentMessages()));
        return r;
    }

    private static List<SendResult.SentMessage> sentMessages(JsonNode recorded) {
        List<SendResult.SentMessage> out = new ArrayList<>();
        if (recorded != null) {
            recorded.forEach(m -> out.add(new SendResult.SentMessage(m.path("id").asText(null), m.path("quoteToken").asText(null))));
        }
        return out;
    }

    private static JsonNode json(List<SendResult.SentMessage> sent) {
        if (sent.isEmpty()) {
            return null;
        }
        ArrayNode array = Json.mapper().createArrayNode();
        for (SendResult.SentMessage m : sent) {
            var o = array.addObject().put("id", m.id());
            if (m.quoteToken() != null) {
                o.put("quoteToken", m.quoteToken());
            }
        }
        return array;
    }
}
