package io.linegate.test;

import io.linegate.webhook.Bot;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5: a {@link BotTester} for a test class (a {@code static} field: one bot and emulator for
 * all its tests) or for each test (an instance field), handed to test methods that ask for one.
 *
 * <pre>{@code
 * class ShopBotTest {
 *     @RegisterExtension
 *     static final LinegateExtension line = LinegateExtension.of(() -> new ShopBot(new FakeInventory()));
 *
 *     @Test
 *     void answersAPrice(BotTester tester) {
 *         TestUser alice = tester.friend("Alice");
 *         alice.says("price green tea").awaitOutcome();
 *         assertThat(alice.receivedTexts()).contains("Green tea: 180 yen");
 *     }
 * }
 * }</pre>
 */
public final class LinegateExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback,
        ParameterResolver {
    private final Supplier<? extends Bot> bot;
    private final UnaryOperator<BotTester.Builder> options;
    private BotTester tester;
    private boolean perClass;

    private LinegateExtension(Supplier<? extends Bot> bot, UnaryOperator<BotTester.Builder> options) {
        this.bot = Objects.requireNonNull(bot, "bot");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** The bot {@code bot} supplies (called once per tester), with the tester's defaults. */
    public static LinegateExtension of(Supplier<? extends Bot> bot) {
        return new LinegateExtension(bot, UnaryOperator.identity());
    }

    /** The same, with options ({@code b -> b.maxAttempts(3)}). */
    public static LinegateExtension of(Supplier<? extends Bot> bot, UnaryOperator<BotTester.Builder> options) {
        return new LinegateExtension(bot, options);
    }

    /** The running tester (between the callbacks that start and stop it). */
    public BotTester tester() {
        if (tester == null) {
            throw new IllegalStateException("the bot is not running: use the tester inside a test");
        }
        return tester;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        tester = options.apply(BotTester.builder(bot.get())).start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            tester = options.apply(BotTester.builder(bot.get())).start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            stop();
        }
    }

    private void stop() {
        if (tester != null) {
            tester.close();
            tester = null;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == BotTester.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return tester();
    }
}
