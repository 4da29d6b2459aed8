package com.example.showcase;

import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.messaging.model.TextMessage;
import com.linecorp.bot.webhook.model.FollowEvent;
import com.linecorp.bot.webhook.model.MessageEvent;
import com.linecorp.bot.webhook.model.TextMessageContent;
import io.linegate.spring.EventMapping;
import io.linegate.spring.LineMessageHandler;

/** The second channel's bot (linegate.channels.shop): its own events, its own token, its own replies. */
@LineMessageHandler(channels = "shop")
public class ShopBot {
    @EventMapping
    public Message text(MessageEvent event, TextMessageContent content) {
        return new TextMessage("Shop: we have " + content.text() + " in stock.");
    }

    @EventMapping
    public Message follow(FollowEvent event) {
        return new TextMessage("Welcome to the lantern shop.");
    }
}
