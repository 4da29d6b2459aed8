package io.linegate.spring;

import com.linecorp.bot.client.base.channel.ChannelTokenSupplier;
import com.linecorp.bot.messaging.client.MessagingApiBlobClient;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import io.linegate.core.RateLimitedLog;
import io.linegate.messaging.MessageSender;
import io.linegate.runtime.BodyBudget;
import io.linegate.webhook.Dispatcher;
import io.linegate.webhook.EventRouter;
import io.linegate.webhook.Middleware;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import io.linegate.runtime.WarmUp;
import io.micrometer.observation.ObservationPredicate;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;

/**
 * linegate inside a Spring Boot application: one {@link LinegateChannel} per configured channel
 * ({@code line.bot.*}, and {@code linegate.channels.*}), each with its webhook path mounted in the
 * application's Spring MVC, its {@link EventMapping} methods run by linegate's dispatcher, and its
 * API clients as beans. {@code line.bot.handler.enabled=false} turns webhook handling off (no paths, no
 * handlers) and keeps the clients, as the official starter does (push-only and batch applications).
 */
@AutoConfiguration
@Conditional(LinegateAutoConfiguration.Configured.class)
@EnableConfigurationProperties({LineBotProperties.class, LinegateProperties.class})
public class LinegateAutoConfiguration {
    private static final Logger log = LoggerFactory.getLogger(LinegateAutoConfiguration.class);

    /**
     * Hook for tests and advanced set-ups: options applied to every channel's dispatcher builder (a
     * {@code DispatchListener}, a {@code FailurePolicy}).
     */
    public interface DispatcherCustomizer extends UnaryOperator<Dispatcher.Builder> {
    }

    @Bean
    @ConditionalOnMissingBean
    public LinegateChannels linegateChannels(LineBotProperties line, LinegateProperties linegate, ApplicationContext context,
                                             ObjectProvider<MeterRegistry> registries, ObjectProvider<Middleware> middleware,
                                             ObjectProvider<DispatcherCustomizer> customizers,
                                             ObjectProvider<javax.sql.DataSource> dataSources,
                                             ObjectProvider<ObservationRegistry> observations) {
        List<ChannelSettings> settings = ChannelSettings.resolve(line, linegate,
                LinegateOfficialSurfaceAutoConfiguration.applicationsTokens(context));
        if (settings.isEmpty()) {
            throw new InvalidLinegateConfiguration("line.bot.channel-secret", "no LINE channel is configured: set"
                    + " line.bot.channel-secret (and line.bot.channel-token or linegate.token-type), or channels under"
                    + " linegate.channels, or leave the starter out of an application without LINE");
        }
        boolean handling = line.getHandler().isEnabled();
        Map<String, String> paths = new LinkedHashMap<>();
        settings.forEach(s -> paths.put(s.name(), s.path()));
        WebhookRequests requests = new WebhookRequests(linegate.getRequestCapture(), paths,
                () -> observations.getIfAvailable(() -> ObservationRegistry.NOOP));
        MeterRegistry registry = registries.getIfAvailable(SimpleMeterRegistry::new);
        List<Middleware> links = middleware.orderedStream().toList();
        UnaryOperator<Dispatcher.Builder> options = b -> {
            Dispatcher.Builder out = b;
            for (DispatcherCustomizer c : customizers.orderedStream().toList()) {
                out = c.apply(out);
            }
            return out;
        };
        List<LinegateChannel> channels = new ArrayList<>();
        try {
            for (ChannelSettings s : settings) {
                java.util.function.Supplier<javax.sql.DataSource> dataSource = () -> dataSources.getIfUnique(() -> {
                    throw new InvalidLinegateConfiguration("linegate.store=datasource needs one DataSource bean (PostgreSQL),"
                            + " such as Spring Boot's from spring.datasource.url");
                });
                channels.add(new LinegateChannel(s, dataSource, links, registry, linegate.getAckDeadline(), linegate.getBackoff(),
                        linegate.getMaxBackoff(), linegate.getDrain(), options));
            }
        } catch (RuntimeException e) {
            channels.forEach(LinegateChannel::stop);
            throw e;
        }
        // Only where the webhook paths are mounted is there a web server to warm up through (see WebhookPaths).
        boolean warmUpOn = !linegate.getWarmUp().isZero() && !linegate.getWarmUp().isNegative();
        return new LinegateChannels(channels, name -> handling ? handlers(context, name, requests) : null,
                () -> warmUpOn && context.getBeanProvider(LinegateWarmUp.class).getIfAvailable() != null, requests);
    }

    /**
     * The {@link EventMapping} methods of the {@link LineMessageHandler} beans of channel {@code name};
     * each runs with its webhook's request as Spring's current request, and replies to what it returns
     * through the application's {@code MessagingApiClient} bean.
     */
    private static EventRouter handlers(ApplicationContext context, String name, WebhookRequests requests) {
        List<Object> beans = new ArrayList<>();
        context.getBeansWithAnnotation(LineMessageHandler.class).forEach((beanName, bean) -> {
            LineMessageHandler a = context.findAnnotationOnBean(beanName, LineMessageHandler.class);
            if (a == null || a.channels().length == 0 || Arrays.asList(a.channels()).contains(name)) {
                beans.add(bean);
            }
        });
        ObjectProvider<MessagingApiClient> client = context.getBeanProvider(MessagingApiClient.class);
        HandlerMethods methods = HandlerMethods.of(name, beans, client::getIfUnique, requests);
        log.info("LINE channel '{}': {} @EventMapping methods{}", name, methods.size(),
                methods.size() == 0 ? " (its events are marked handled unanswered)" : "");
        methods.describe().forEach(m -> log.debug("LINE channel '{}': {}", name, m));
        return methods.router();

    }

    /**
     * On unless {@code line.bot.handler.enabled=false} leaves nothing to do: with handling off, on only
     * where a channel is configured (its clients are beans).
     */
    static final class Configured extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Environment env = context.getEnvironment();
            if (env.getProperty("line.bot.handler.enabled", Boolean.class, true)) {
                return ConditionOutcome.match("line.bot.handler.enabled is not false");
            }
            boolean channel = env.containsProperty("line.bot.channel-token") || env.containsProperty("line.bot.channel-secret")
                    || (context.getBeanFactory() != null
                        && context.getBeanFactory().getBeanNamesForType(ChannelTokenSupplier.class, true, false).length > 0)
                    || Binder.get(env).bind("linegate.channels", Bindable.mapOf(String.class, Object.class)).isBound();
            return channel ? ConditionOutcome.match("webhook handling is off; a LINE channel is configured for the clients")
                    : ConditionOutcome.noMatch("webhook handling is off and no LINE channel is configured");
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(SimpleUrlHandlerMapping.class)
    @ConditionalOnProperty(name = "line.bot.handler.enabled", havingValue = "true", matchIfMissing = true)
    static class WebhookPaths {
        /**
         * Each channel's webhook path, ahead of the application's controllers, with the interceptors the
         * application registers through {@code WebMvcConfigurer.addInterceptors} (and its {@code
         * MappedInterceptor} beans), as on its controllers' paths.
         */
        @Bean
        SimpleUrlHandlerMapping linegateWebhookPaths(LinegateChannels channels, LinegateProperties linegate,
                                                     WebhookAccessLog accessLog, ObjectProvider<MeterRegistry> registries,
                                                     ObjectProvider<WebMvcConfigurer> configurers) {
            BodyBudget bodies = new BodyBudget(linegate.getMaxBodiesInFlight(), linegate.getMaxBodySize(),
                    registries.getIfAvailable(SimpleMeterRegistry::new));
            RateLimitedLog clientErrors = new RateLimitedLog(LoggerFactory.getLogger("linegate.client-errors"), 20,
                    Duration.ofSeconds(10));
            Map<String, Object> urls = new LinkedHashMap<>();
            for (LinegateChannel c : channels.all()) {
                urls.put(c.path(), new WebhookEndpoint(c, linegate.getMaxBodySize(), bodies, clientErrors, channels.requests(),
                        linegate.getRequestTimeout(), accessLog));
            }
            SimpleUrlHandlerMapping mapping = new SimpleUrlHandlerMapping(urls);
            Interceptors interceptors = new Interceptors();
            configurers.orderedStream().forEach(c -> c.addInterceptors(interceptors));
            mapping.setInterceptors(interceptors.all().toArray());
            mapping.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
            return mapping;
        }

        /**
         * The webhook access log's writer, shared by the channels; closed (what is queued written) when the
         * application stops.
         */
        @Bean(destroyMethod = "close")
        WebhookAccessLog linegateWebhookAccessLog() {
            return new WebhookAccessLog();
        }

        /** The application's interceptors, as Spring MVC collects them for its own handler mappings. */
        static final class Interceptors extends InterceptorRegistry {
            List<Object> all() {
                return getInterceptors();
            }
        }

        /**
         * The warm-up's synthetic webhooks (they carry {@link WarmUp#HEADER} with this process's token)
         * are left out of {@code http.server.requests}.
         */
        @Bean
        @ConditionalOnClass(name = "org.springframework.http.server.observation.ServerRequestObservationContext")
        ObservationPredicate linegateWarmUpIsNotTraffic(ObjectProvider<LinegateChannels> channels) {
            // The channels are looked up per request: they, in turn, look up the observation registry.
            return (name, context) -> !(context instanceof ServerRequestObservationContext c && c.getCarrier() != null
                    && c.getCarrier().getHeader(WarmUp.HEADER) != null
                    && channels.getObject().isWarmUp(c.getCarrier().getHeader(WarmUp.HEADER)));
        }

        /** The warm-up through the application's web server, before the application reports ready. */
        @Bean
        LinegateWarmUp linegateWarmUp(LinegateChannels channels, LinegateProperties linegate,
                                      org.springframework.core.env.Environment environment) {
            return new LinegateWarmUp(channels, linegate.getWarmUp().isNegative() ? Duration.ZERO : linegate.getWarmUp(),
                    environment);
        }
    }

    /**
     * The channel's Messaging API client, as the official starter offers it, through linegate's sending
     * stack; inside an {@link EventMapping} method its sends are the event's (not repeated on retries).
     * With several channels, take each from {@link LinegateChannels}.
     */
    @Bean
    @ConditionalOnMissingBean
    public MessagingApiClient messagingApiClient(LinegateChannels channels) {
        return only(channels, "MessagingApiClient").api();
    }

    @Bean
    @ConditionalOnMissingBean
    public MessagingApiBlobClient messagingApiBlobClient(LinegateChannels channels) {
        return only(channels, "MessagingApiBlobClient").blob();
    }

    /**
     * linegate's sender of the application's channel (retry keys, rate limits, API request log); no
     * bean (null) when the channel does not send.
     */
    @Bean
    @ConditionalOnMissingBean
    public MessageSender linegateMessageSender(LinegateChannels channels) {
        return only(channels, "MessageSender").sender().orElse(null);
    }

    private static LinegateChannel only(LinegateChannels channels, String bean) {
        List<LinegateChannel> all = channels.all();
        if (all.size() == 1) {
            return all.get(0);
        }
        return all.stream().filter(c -> c.name().equals(ChannelSettings.DEFAULT)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the " + bean + " bean is the channel of line.bot.*; with"
                        + " channels only under linegate.channels, take each channel's from LinegateChannels.channel(name)"));
    }
}
