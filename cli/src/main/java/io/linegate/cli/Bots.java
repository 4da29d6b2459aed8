package io.linegate.cli;

import io.linegate.webhook.Bot;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** Finds a bot by name among those on the class path (see {@link Bot}). */
final class Bots {
    private Bots() {}

    static Bot named(String name) {
        ServiceLoader<Bot> loader = ServiceLoader.load(Bot.class);
        for (Bot bot : loader) {
            if (bot.name().equals(name)) {
                return bot;
            }
        }
        String known = loader.stream().map(p -> p.get().name()).sorted().collect(Collectors.joining(", "));
        throw new IllegalArgumentException("no bot named '" + name + "' on the class path (known: " + known + ")");
    }
}
