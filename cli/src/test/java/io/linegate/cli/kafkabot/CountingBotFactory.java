package io.linegate.cli.kafkabot;

import com.linecorp.bot.messaging.model.TextMessage;
import io.linegate.webhook.Bot;
import io.linegate.webhook.BotEnvironment;
import io.linegate.webhook.BotFactory;
import io.linegate.webhook.ConversationState;
import io.linegate.webhook.EventHandler;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The bot of the Kafka cluster tests, run by the real {@code linegate serve} from a jar the test writes
 * (so that it is the jar's only bot): each event pushes "eventId node" to its conversation (through the
 * context: with the event's retry key, so LINE answers 409 to a second push of the event), raises the conversation's {@code count} in {@code state()} and
 * keeps the id under {@code n:ID} with how often it was counted, then appends
 * "node eventId sourceKey epochMillis pushMillis" to the effects file ({@code --bot-setting effects=FILE},
 * {@code --bot-setting node=NAME}): when the run ended, and when it began its push.
 */
public final class CountingBotFactory implements BotFactory {
    @Override
    public String name() {
        return "kafka-counting";
    }

    @Override
    public Bot create(BotEnvironment env) throws IOException {
        String node = env.setting("node");
        OutputStream effects = new FileOutputStream(env.setting("effects"), true);
        long delayMillis = Long.parseLong(env.optionalSetting("delay-millis").orElse("0"));
        EventHandler handler = ctx -> {
            if (delayMillis > 0) {
                Thread.sleep(delayMillis);
            }
            long pushAt = System.currentTimeMillis();
            ctx.push(new TextMessage(ctx.eventId() + " " + node));
            ConversationState state = ctx.state();
            int count = state.get("count").map(Integer::parseInt).orElse(0);
            state.put("count", String.valueOf(count + 1));
            String key = "n:" + ctx.eventId();
            state.put(key, String.valueOf(state.get(key).map(Integer::parseInt).orElse(0) + 1));
            String line = node + " " + ctx.eventId() + " " + ctx.sourceKey() + " " + System.currentTimeMillis() + " " + pushAt + "\n";
            synchronized (effects) {
                effects.write(line.getBytes(StandardCharsets.UTF_8));
                effects.flush();
            }
        };
        return new Bot() {
            @Override
            public String name() {
                return "kafka-counting";
            }

            @Override
            public EventHandler handler() {
                return handler;
            }

            @Override
            public void close() {
                try {
                    effects.close();
                } catch (IOException ignored) {
                    // the node is stopping
                }
            }
        };
    }
}
