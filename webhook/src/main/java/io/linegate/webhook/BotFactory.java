package io.linegate.webhook;

/**
 * Builds a bot with its dependencies, for {@code linegate serve --bot NAME}: list the factory's
 * class in {@code META-INF/services/io.linegate.webhook.BotFactory} of the bot's jar (given with
 * {@code --bot-jar}, or on the class path). The factory needs a public no-argument constructor; the
 * bot it creates gets everything else from the {@link BotEnvironment}.
 *
 * <pre>{@code
 * public final class ShopBotFactory implements BotFactory {
 *     public String name() { return "shop"; }
 *     public Bot create(BotEnvironment env) {
 *         return new ShopBot(Inventory.connect(env.setting("inventory-url")), env.store());
 *     }
 * }
 * }</pre>
 */
public interface BotFactory {
    /** The name given to {@code --bot}. */
    String name();

    /** Builds the bot; throwing stops the server from starting, with the exception's message. */
    Bot create(BotEnvironment env) throws Exception;
}
