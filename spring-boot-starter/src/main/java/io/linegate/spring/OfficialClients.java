package io.linegate.spring;

import com.linecorp.bot.client.base.ApiClientBuilder;
import com.linecorp.bot.client.base.channel.ChannelTokenSupplier;
import io.linegate.messaging.MessageSender;
import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.util.List;
import java.util.function.Function;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.util.ClassUtils;

/**
 * The official starter's clients of LINE's other APIs, from artifacts of their own ({@code
 * line-bot-insight-client}...): when the application has one on its class path, its client is a bean,
 * built by its own {@code builder(...)} and set up by the default channel's {@link MessageSender}
 * ({@link MessageSender#configure}), so that its calls carry linegate's token, wait for LINE's rate
 * limits and are in the API request log. Found by class name, so that the starter needs none of them.
 */
final class OfficialClients implements BeanDefinitionRegistryPostProcessor {
    /** An official client: its class, its bean name, whether its builder takes the token, its API's base. */
    record Client(String className, String beanName, boolean authenticated, Function<LineBotProperties, URI> base) {}

    static final List<Client> CLIENTS = List.of(
            new Client("com.linecorp.bot.insight.client.InsightClient", "insightClient", true, LineBotProperties::apiEndPoint),
            new Client("com.linecorp.bot.audience.client.ManageAudienceClient", "manageAudienceClient", true,
                    LineBotProperties::apiEndPoint),
            new Client("com.linecorp.bot.audience.client.ManageAudienceBlobClient", "manageAudienceBlobClient", true,
                    LineBotProperties::blobEndPoint),
            new Client("com.linecorp.bot.liff.client.LiffClient", "liffClient", true, LineBotProperties::apiEndPoint),
            new Client("com.linecorp.bot.module.client.LineModuleClient", "moduleClient", true, LineBotProperties::apiEndPoint),
            new Client("com.linecorp.bot.moduleattach.client.LineModuleAttachClient", "lineModuleAttachClient", true,
                    LineBotProperties::managerEndPoint),
            new Client("com.linecorp.bot.shop.client.ShopClient", "shopClient", true, LineBotProperties::apiEndPoint),
            new Client("com.linecorp.bot.oauth.client.ChannelAccessTokenClient", "channelAccessTokenClient", false,
                    LineBotProperties::apiEndPoint));

    private final ClassLoader classLoader;

    OfficialClients(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
        for (Client c : CLIENTS) {
            if (!ClassUtils.isPresent(c.className(), classLoader)) {
                continue;
            }
            Class<?> type = ClassUtils.resolveClassName(c.className(), classLoader);
            if (registry instanceof ListableBeanFactory beans && beans.getBeanNamesForType(type, true, false).length > 0) {
                continue; // the application's own
            }
            RootBeanDefinition definition = new RootBeanDefinition();
            definition.setBeanClass(type);
            definition.setInstanceSupplier(() -> build(c, type, registry));
            definition.setLazyInit(true);
            registry.registerBeanDefinition(c.beanName(), definition);
        }
    }

    private static Object build(Client c, Class<?> type, BeanDefinitionRegistry registry) {
        ListableBeanFactory beans = (ListableBeanFactory) registry;
        List<LinegateChannel> channels = beans.getBean(LinegateChannels.class).all();
        MessageSender sender = channels.stream()
                .filter(ch -> ch.name().equals(ChannelSettings.DEFAULT) || channels.size() == 1)
                .findFirst().flatMap(LinegateChannel::sender)
                .orElseThrow(() -> new IllegalStateException(c.className() + " needs a channel that sends: set"
                        + " line.bot.channel-token or linegate.token-type"));
        LineBotProperties properties = beans.getBean(LineBotProperties.class);
        try {
            Object builder = c.authenticated()
                    ? type.getMethod("builder", ChannelTokenSupplier.class).invoke(null, sender.channelTokenSupplier())
                    : type.getMethod("builder").invoke(null);
            ApiClientBuilder<?> b = sender.configure((ApiClientBuilder<?>) builder);
            b.apiEndPoint(c.base().apply(properties));
            return b.build();
        } catch (NoSuchMethodException | IllegalAccessException | ClassCastException e) {
            throw new IllegalStateException(c.className() + " on the class path is not the official client linegate"
                    + " knows (no static builder(" + (c.authenticated() ? "ChannelTokenSupplier" : "") + ")): " + e, e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(c.className() + ".builder failed: " + e.getCause(), e.getCause());
        }
    }
}
