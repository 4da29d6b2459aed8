package io.linegate.spring;

import com.linecorp.bot.client.base.channel.ChannelTokenSupplier;
import com.linecorp.bot.client.base.channel.FixedChannelTokenSupplier;
import com.linecorp.bot.parser.FixedSkipSignatureVerificationSupplier;
import com.linecorp.bot.parser.LineSignatureValidator;
import com.linecorp.bot.parser.WebhookParser;
import io.linegate.clients.LineApis;
import io.linegate.messaging.MessageSender;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The rest of the official Spring Boot starter's surface, for applications that move over by their
 * imports: {@link LineSignatureValidator} and {@link WebhookParser} (for a controller of their own, with
 * {@link LineBotMessages}), the {@link ChannelTokenSupplier} (linegate's token: fixed, or issued and
 * renewed with {@code linegate.token-type}; or the application's own bean, which the channel of
 * {@code line.bot.*} then sends with), the official clients of LINE's other APIs when their
 * artifacts are on the class path ({@link OfficialClients}), and linegate's own typed clients of those
 * APIs ({@link LinegateApis}, {@link LineApis}). The clients go through linegate's sending stack.
 */
@AutoConfiguration(after = LinegateAutoConfiguration.class)
@EnableConfigurationProperties({LineBotProperties.class, LinegateProperties.class})
public class LinegateOfficialSurfaceAutoConfiguration {

    /** The official clients of the application's class path, as beans (by class name: the starter needs none). */
    @Bean
    static OfficialClients linegateOfficialClients(ApplicationContext context) {
        return new OfficialClients(context.getClassLoader());
    }

    /**
     * The token every client sends with, unless the application has a {@link ChannelTokenSupplier} of its
     * own (then that one, for the channel of {@code line.bot.*}): linegate's, so that a managed token (issued
     * and renewed with {@code linegate.token-type}) is the one the application's own calls use too. Looked up
     * at each call: the channels, in turn, look for the application's supplier when they are built.
     */
    @Bean
    @ConditionalOnMissingBean(ChannelTokenSupplier.class)
    ChannelTokenSupplier channelTokenSupplier(ObjectProvider<LinegateChannels> channels, LineBotProperties line) {
        return new LinegateTokens(() -> {
            Optional<MessageSender> sender = defaultSender(channels.getIfAvailable());
            if (sender.isPresent()) {
                return sender.get().channelTokenSupplier().get();
            }
            if (line.channelToken() == null) {
                throw new IllegalStateException("no channel access token: set line.bot.channel-token, or linegate.token-type"
                        + " with linegate.channel-id to have linegate issue and renew one");
            }
            return FixedChannelTokenSupplier.of(line.channelToken()).get();
        });
    }

    /** linegate's own {@link ChannelTokenSupplier}, told apart from an application's. */
    record LinegateTokens(ChannelTokenSupplier tokens) implements ChannelTokenSupplier {
        @Override
        public String get() {
            return tokens.get();
        }

        @Override
        public String toString() {
            return "linegate's channel access token";
        }
    }

    /**
     * The application's own {@link ChannelTokenSupplier} bean (the official starter's way to a token the
     * application obtains itself), or null; more than one is a mistake named at start-up.
     */
    static ChannelSettings.Supplied applicationsTokens(ListableBeanFactory beans) {
        Map<String, ChannelTokenSupplier> theirs = new LinkedHashMap<>();
        beans.getBeansOfType(ChannelTokenSupplier.class).forEach((name, bean) -> {
            if (!(bean instanceof LinegateTokens)) {
                theirs.put(name, bean);
            }
        });
        if (theirs.size() > 1) {
            throw new InvalidLinegateConfiguration("line.bot.channel-token-supply-mode", "the application has several"
                    + " ChannelTokenSupplier beans " + theirs.keySet() + ": linegate takes one, for the channel of line.bot.*;"
                    + " keep one (the channels under linegate.channels have their own channel-token or token-type)");
        }
        return theirs.entrySet().stream().findFirst().map(e -> new ChannelSettings.Supplied(e.getKey(), e.getValue()))
                .orElse(null);
    }

    /** Refuses at start-up what linegate does otherwise than the official starter, naming what to do instead. */
    @Bean
    static SmartInitializingSingleton linegateOfficialSurfaceChecks(ApplicationContext context) {
        return () -> check(context.getBean(LineBotProperties.class), context.getBean(LinegateProperties.class),
                applicationsTokens(context) != null);
    }

    static void check(LineBotProperties line, LinegateProperties linegate, boolean applicationsTokens) {
        if (line.channelTokenSupplyMode() == LineBotProperties.ChannelTokenSupplyMode.SUPPLIER) {
            if (line.channelToken() != null) {
                throw new IllegalStateException("line.bot.channel-token must be unset with"
                        + " line.bot.channel-token-supply-mode=SUPPLIER (the token is supplied, not given)");
            }
            if (linegate.getTokenType() == null && !applicationsTokens) {
                throw new IllegalStateException("line.bot.channel-token-supply-mode=SUPPLIER needs the token's supplier:"
                        + " define a ChannelTokenSupplier bean, or set linegate.token-type (stateless, short-lived or v2.1)"
                        + " and linegate.channel-id to have linegate issue and renew the token itself");
            }
        }
    }

    /** The default channel's typed clients of LINE's other APIs; {@link LinegateApis} has every channel's. */
    @Bean
    @ConditionalOnBean(LinegateChannels.class)
    @ConditionalOnMissingBean
    LinegateApis linegateApis(LinegateChannels channels) {
        return new LinegateApis(channels);
    }

    @Bean
    @ConditionalOnBean(LinegateChannels.class)
    @ConditionalOnMissingBean
    LineApis lineApis(LinegateChannels channels) {
        return defaultSender(channels).map(LineApis::of).orElse(null);
    }

    private static Optional<MessageSender> defaultSender(LinegateChannels channels) {
        if (channels == null) {
            return Optional.empty();
        }
        List<LinegateChannel> all = channels.all();
        return all.stream().filter(c -> all.size() == 1 || c.name().equals(ChannelSettings.DEFAULT)).findFirst()
                .flatMap(LinegateChannel::sender);
    }

    /** The official {@code line-bot-parser} beans, for an application that keeps a webhook controller of its own. */
    @Configuration(proxyBeanMethods = false)
    @Conditional(Parser.ChannelSecretSet.class)
    static class Parser {
        /**
         * Whether {@code line.bot.channel-secret} is set, read without resolving it: {@code @ConditionalOnProperty}
         * resolves the value, and an unresolved {@code ${...}} placeholder would then fail the start with a
         * condition's stack trace before the channel's settings report it in Boot's failure report.
         */
        static final class ChannelSecretSet implements Condition {
            @Override
            public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
                return context.getEnvironment().containsProperty("line.bot.channel-secret");
            }
        }

        @Bean
        @ConditionalOnMissingBean
        LineSignatureValidator lineSignatureValidator(LineBotProperties line) {
            return new LineSignatureValidator(line.channelSecret().getBytes(StandardCharsets.US_ASCII));
        }

        /** Never skips verification: {@code line.bot.skip-signature-verification} is refused. */
        @Bean
        @ConditionalOnMissingBean
        WebhookParser lineBotCallbackRequestParser(LineSignatureValidator validator) {
            return new WebhookParser(validator, FixedSkipSignatureVerificationSupplier.of(false));
        }

        @Configuration(proxyBeanMethods = false)
        @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
        @ConditionalOnClass(WebMvcConfigurer.class)
        static class Controllers implements WebMvcConfigurer {
            private final LineBotMessagesSupport support;

            Controllers(WebhookParser parser, LinegateProperties linegate) {
                this.support = new LineBotMessagesSupport(parser, linegate.getMaxBodySize());
            }

            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(support);
            }

            @Override
            public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
                resolvers.add(support);
            }
        }
    }
}
