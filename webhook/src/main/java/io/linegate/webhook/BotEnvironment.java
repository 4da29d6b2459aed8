package io.linegate.webhook;

import com.linecorp.bot.messaging.client.MessagingApiClient;
import io.linegate.store.Store;
import java.util.Map;
import java.util.Optional;

/** What the runtime gives a {@link BotFactory}: its store, its sending stack and the bot's settings. */
public interface BotEnvironment {

    /** The runtime's store (account links, logins, ...); the runtime closes it. */
    Store store();

    /**
     * The bot's settings: {@code --bot-setting KEY=VALUE} on the command line and the {@code bot:}
     * map of the config file (the command line wins).
     */
    Map<String, String> settings();

    /**
     * The Messaging API through the runtime's sending stack, for work outside events (a rich menu set
     * up at start, say). Sends from here are not tied to an event: use {@link EventContext#api()} in
     * handlers, which makes them exactly once per event.
     */
    MessagingApiClient api();

    /** An optional setting. */
    default Optional<String> optionalSetting(String key) {
        return Optional.ofNullable(settings().get(key)).filter(v -> !v.isBlank());
    }

    /** A required setting; its absence is an error that names it. */
    default String setting(String key) {
        return optionalSetting(key).orElseThrow(() -> new IllegalArgumentException("the bot needs the setting '" + key
                + "': pass --bot-setting " + key + "=VALUE, or put it under 'bot:' in the config file"));
    }
}
