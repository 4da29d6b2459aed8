package io.linegate.examples.echo;

import com.linecorp.bot.messaging.model.StickerMessage;
import com.linecorp.bot.messaging.model.TextMessage;
import com.linecorp.bot.webhook.model.FollowEvent;
import com.linecorp.bot.webhook.model.StickerMessageContent;
import com.linecorp.bot.webhook.model.TextMessageContent;
import io.linegate.webhook.Bot;
import io.linegate.webhook.EventHandler;
import io.linegate.webhook.EventRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The smallest useful bot: it echoes text, answers stickers with a sticker, greets new friends and
 * logs events it does not know. Run it with {@code linegate serve --bot echo}.
 */
public final class EchoBot implements Bot {
    private static final Logger log = LoggerFactory.getLogger(EchoBot.class);

    /** A sticker from LINE's list of stickers a bot may send (api-facts §8.1). */
    static final StickerMessage THUMBS_UP = new StickerMessage("446", "1988");

    @Override
    public String name() {
        return "echo";
    }

    @Override
    public EventHandler handler() {
        return EventRouter.builder()
                .onMessage(TextMessageContent.class, (ctx, text) -> ctx.reply(new TextMessage(text.text())))
                .onMessage(StickerMessageContent.class, (ctx, sticker) -> ctx.reply(THUMBS_UP))
                .on(FollowEvent.class, (ctx, follow) -> ctx.reply(new TextMessage(
                        "Thanks for adding me! Send me a message and I will send it back.")))
                .fallback(ctx -> log.info("no route for this event; ignored: {}", ctx.rawJson()))
                .build();
    }
}
