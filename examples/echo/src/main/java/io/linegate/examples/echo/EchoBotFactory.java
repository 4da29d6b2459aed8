package io.linegate.examples.echo;

import io.linegate.login.AccountLinks;
import io.linegate.webhook.Bot;
import io.linegate.webhook.BotEnvironment;
import io.linegate.webhook.BotFactory;

/**
 * {@code linegate serve --bot echo}: the echo bot, and with {@code --bot-setting link-url=URL} (the
 * member site's page that starts a link) its account linking, on the runtime's store, which the site
 * must share.
 */
public final class EchoBotFactory implements BotFactory {
    @Override
    public String name() {
        return "echo";
    }

    @Override
    public Bot create(BotEnvironment env) {
        return env.optionalSetting("link-url")
                .<Bot>map(url -> EchoBot.withAccountLinking(url, AccountLinks.builder(env.store().links()).build()))
                .orElseGet(EchoBot::new);
    }
}
