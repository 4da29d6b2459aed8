package io.linegate.bench.spring;

import com.linecorp.bot.webhook.model.Event;
import com.linecorp.bot.webhook.model.MessageEvent;
import com.linecorp.bot.webhook.model.TextMessageContent;
import io.linegate.spring.EventMapping;
import io.linegate.spring.LineMessageHandler;
import org.springframework.beans.factory.annotation.Value;

/**
 * The handler as a user of the official starter writes it: an {@code @EventMapping} method for text
 * messages that does {@code bench.handler-ms} of work (a sleep, as the other bench bots) and nothing
 * else; the bench bodies are all text messages. Each run is counted by webhookEventId.
 */
@LineMessageHandler
public class BenchHandler {
    private final long handlerMs;
    private final HandledEvents handled;

    public BenchHandler(@Value("${bench.handler-ms:0}") long handlerMs, HandledEvents handled) {
        this.handlerMs = handlerMs;
        this.handled = handled;
    }

    @EventMapping
    public void handleTextMessageEvent(TextMessageContent content, MessageEvent event) throws InterruptedException {
        if (handlerMs > 0) {
            Thread.sleep(handlerMs);
        }
        handled.record(event.webhookEventId());
    }

    @EventMapping
    public void handleDefaultEvent(Event event) {
        handled.record(event.webhookEventId()); // counted as foreign: the bench sends text messages only
    }
}
