package com.example.hello;

import com.linecorp.bot.messaging.model.TextMessage;
import com.linecorp.bot.webhook.model.TextMessageContent;
import io.linegate.webhook.Bot;
import io.linegate.webhook.EventHandler;
import io.linegate.webhook.EventRouter;
import java.util.regex.Pattern;

/** Greets new friends, answers "help" and "weather CITY", and echoes anything else. */
public final class HelloBot implements Bot {
    private final String greeting;

    public HelloBot(String greeting) {
        this.greeting = greeting;
    }

    @Override
    public String name() {
        return "hello";
    }

    @Override
    public EventHandler handler() {
        return EventRouter.builder()
                .onFollow((ctx, follow) -> ctx.reply(new TextMessage(greeting)))
                .onText("help", (ctx, text) -> ctx.reply(new TextMessage("Try \"weather Tokyo\".")))
                .onText(Pattern.compile("^weather (\\w+)$"), (ctx, match) ->
                        ctx.reply(new TextMessage("Sunny in " + match.group(1) + ".")))
                .onMessage(TextMessageContent.class, (ctx, text) -> ctx.reply(new TextMessage(text.text())))
                .build(); // anything else (unknown event types included) reaches the fallback: nothing by default
    }
}
