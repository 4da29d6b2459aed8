package com.example.hello;

import io.linegate.webhook.Bot;
import io.linegate.webhook.BotEnvironment;
import io.linegate.webhook.BotFactory;

/** How `linegate serve --bot hello` builds the bot: with its settings from the command line or the config file. */
public final class HelloBotFactory implements BotFactory {
    @Override
    public String name() {
        return "hello";
    }

    @Override
    public Bot create(BotEnvironment env) {
        return new HelloBot(env.optionalSetting("greeting").orElse("Hello! Say \"help\"."));
    }
}
