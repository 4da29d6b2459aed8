package io.linegate.spring;

import com.linecorp.bot.client.base.channel.ChannelTokenSupplier;
import io.linegate.core.Secret;
import io.linegate.runtime.RuntimeConfig;
import io.linegate.runtime.TokenSettings;
import io.linegate.webhook.FloodPolicy;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One channel's settings ({@code secret} null only with {@code line.bot.handler.enabled=false}: no
 * webhooks to verify), read from {@code line.bot.*} (the channel named {@code default}) and
 * {@code linegate.channels.NAME.*}, with every mistake reported by the property's name.
 */
record ChannelSettings(String name, String path, Secret secret, RuntimeConfig runtime) {
    static final String DEFAULT = "default";
    /** The store location that means the application's own {@code DataSource} bean. */
    static final String DATASOURCE = "datasource";
    private static final Logger log = LoggerFactory.getLogger(ChannelSettings.class);

    @Override
    public String toString() {
        return "ChannelSettings[" + name + " on " + path + "]";
    }

    static List<ChannelSettings> resolve(LineBotProperties line, LinegateProperties linegate) {
        return resolve(line, linegate, null);
    }

    /**
     * The channels, the one of {@code line.bot.*} sending with the token of {@code supplied} (the application's
     * own {@code ChannelTokenSupplier} bean, asked at every request) when it is given: that channel then has
     * no {@code line.bot.channel-token} and no managed token ({@code linegate.token-type}), one source for its
     * token; the channels under {@code linegate.channels} keep their own settings.
     */
    static List<ChannelSettings> resolve(LineBotProperties line, LinegateProperties linegate, Supplied supplied) {
        if (line.isSkipSignatureVerification()) {
            throw new InvalidLinegateConfiguration("line.bot.skip-signature-verification=true is refused: linegate verifies every"
                    + " webhook's signature (LINE's guideline 'Verification of received webhook events'); remove the property");
        }
        if (line.getWriteTimeout() != null) {
            log.info("line.bot.write-timeout has no effect with linegate: line.bot.read-timeout bounds each whole request");
        }
        Map<String, ChannelSettings> out = new LinkedHashMap<>();
        boolean lineBot = line.getChannelSecret() != null
                || (!line.getHandler().isEnabled() && (line.getChannelToken() != null || supplied != null));
        boolean several = linegate.getChannels().size() + (lineBot ? 1 : 0) > 1;
        if (supplied != null && line.getChannelSecret() == null && line.getHandler().isEnabled() && !linegate.getChannels().isEmpty()) {
            throw new InvalidLinegateConfiguration("line.bot.channel-secret", "the application's ChannelTokenSupplier bean '"
                    + supplied.bean() + "' gives the token of the channel of line.bot.*, and none is configured: set"
                    + " line.bot.channel-secret for that channel, or remove the bean and give each of linegate.channels.NAME"
                    + " its channel-token or token-type");
        }
        if (supplied != null && (line.getChannelSecret() != null || !line.getHandler().isEnabled())) {
            for (String[] given : new String[][] {{"line.bot.channel-token", line.getChannelToken()},
                    {"linegate.token-type", linegate.getTokenType()}}) {
                if (given[1] != null) {
                    throw new InvalidLinegateConfiguration(given[0], "the application's ChannelTokenSupplier bean '"
                            + supplied.bean() + "' gives the token of the channel of line.bot.*, and " + given[0]
                            + " is set too: unset " + given[0] + " (one source for the token), or remove the bean");
                }
            }
            resolved(line.getChannelSecret(), "line.bot.channel-secret");
            ChannelSettings withoutToken = build(DEFAULT, "line.bot", line.getHandler().getPath(), line.getChannelSecret(),
                    null, null, linegate.getChannelId(), line.getApiEndPoint(), null, "linegate.token-type",
                    "linegate.channel-id", "line.bot.handler.path", line, linegate, several);
            RuntimeConfig runtime = withoutToken.runtime().toBuilder().tokens(TokenSettings.supplied(supplied.tokens())).build();
            out.put(DEFAULT, new ChannelSettings(DEFAULT, withoutToken.path(), withoutToken.secret(), runtime));
        } else if (line.getChannelSecret() != null) {
            out.put(DEFAULT, build(DEFAULT, "line.bot", line.getHandler().getPath(), line.getChannelSecret(),
                    line.getChannelToken(), linegate.getTokenType(), linegate.getChannelId(), line.getApiEndPoint(), null,
                    "linegate.token-type", "linegate.channel-id", "line.bot.handler.path", line, linegate, several));
        } else if (line.getChannelToken() != null && !line.getHandler().isEnabled()) {
            // line.bot.handler.enabled=false: no webhooks, so no secret to verify them; the clients still send.
            out.put(DEFAULT, build(DEFAULT, "line.bot", line.getHandler().getPath(), null,
                    line.getChannelToken(), linegate.getTokenType(), linegate.getChannelId(), line.getApiEndPoint(), null,
                    "linegate.token-type", "linegate.channel-id", "line.bot.handler.path", line, linegate, several));
        } else if (line.getChannelToken() != null) {
            throw new InvalidLinegateConfiguration("line.bot.channel-token is set but line.bot.channel-secret is not: the secret"
                    + " verifies the channel's webhooks (Basic settings in the LINE Developers Console)");
        }
        for (Map.Entry<String, LinegateProperties.Channel> e : linegate.getChannels().entrySet()) {
            String name = e.getKey();
            LinegateProperties.Channel c = e.getValue();
            String prefix = "linegate.channels." + name;
            if (out.containsKey(name)) {
                throw new InvalidLinegateConfiguration(prefix + " has the name of the channel of line.bot.*; pick another name");
            }
            if (c.getPath() == null) {
                throw new InvalidLinegateConfiguration(prefix + ".path is required: the channel's webhook path, such as /callback/" + name);
            }
            out.put(name, build(name, prefix, c.getPath(), c.getChannelSecret(), c.getChannelToken(),
                    c.getTokenType() != null ? c.getTokenType() : null, c.getChannelId(),
                    c.getApiEndPoint() != null ? c.getApiEndPoint() : line.getApiEndPoint(), c.getStore(),
                    prefix + ".token-type", prefix + ".channel-id", prefix + ".path", line, linegate, several));
        }
        List<String> paths = new ArrayList<>();
        for (ChannelSettings s : out.values()) {
            if (paths.contains(s.path())) {
                throw new InvalidLinegateConfiguration("two channels have the webhook path " + s.path()
                        + " (line.bot.handler.path, linegate.channels.NAME.path); each needs its own");
            }
            paths.add(s.path());
        }
        return List.copyOf(out.values());
    }

    private static ChannelSettings build(String name, String prefix, String path, String secret, String token,
                                         String tokenType, String channelId, URI api, String store, String tokenTypeProperty,
                                         String channelIdProperty, String pathProperty, LineBotProperties line,
                                         LinegateProperties linegate, boolean several) {
        resolved(secret, prefix + ".channel-secret");
        resolved(token, prefix + ".channel-token");
        resolved(tokenType, tokenTypeProperty);
        resolved(channelId, channelIdProperty);
        resolved(path, pathProperty);
        resolved(store, prefix + ".store");
        resolved(linegate.getStore(), "linegate.store");
        boolean handling = line.getHandler().isEnabled();
        if (handling && (secret == null || secret.isBlank())) {
            throw new InvalidLinegateConfiguration(prefix + ".channel-secret is required: it verifies the channel's webhooks");
        }
        if (!path.startsWith("/") || path.contains("*") || path.contains("{")) {
            throw new InvalidLinegateConfiguration(pathProperty + " must be a plain path starting with /, was " + path);
        }
        Secret channelSecret = secret == null || secret.isBlank() ? null : Secret.of(secret, prefix + ".channel-secret");
        if (channelSecret == null && tokenType != null && List.of("short-lived", "stateless").contains(tokenType.toLowerCase(Locale.ROOT))) {
            throw new InvalidLinegateConfiguration(prefix + ".channel-secret is required with " + tokenType + " tokens: they are"
                    + " issued with the channel id and secret");
        }
        Secret accessToken = token == null || token.isBlank() ? null : Secret.of(token, prefix + ".channel-token");
        TokenSettings tokens;
        String type = tokenType == null ? (accessToken != null ? "long-lived" : "none") : tokenType.toLowerCase(Locale.ROOT);
        try {
            tokens = switch (type) {
                case "none" -> TokenSettings.none();
                case "fixed" -> TokenSettings.fixed(require(accessToken, prefix + ".channel-token", type));
                case "long-lived" -> TokenSettings.longLived(require(accessToken, prefix + ".channel-token", type));
                case "short-lived" -> TokenSettings.shortLived(requireId(channelId, channelIdProperty, type), channelSecret);
                case "stateless" -> TokenSettings.stateless(requireId(channelId, channelIdProperty, type), channelSecret);
                default -> throw new InvalidLinegateConfiguration(tokenTypeProperty + " must be fixed, long-lived, short-lived or"
                        + " stateless, was " + tokenType);
            };
        } catch (IllegalArgumentException e) {
            throw new InvalidLinegateConfiguration(tokenTypeProperty + "=" + type + ": " + e.getMessage(), e);
        }
        String location = store != null ? store : several ? perChannel(linegate.getStore(), name, prefix) : linegate.getStore();
        RuntimeConfig.Builder config = RuntimeConfig.builder()
                .store(location)
                .apiBase(withoutTrailingSlash(Objects.requireNonNull(api, prefix + " API end point")))
                .tokens(tokens)
                .channelId(channelId)
                .pushWhenReplyFails(linegate.isPushWhenReplyFails())
                .apiLog(new RuntimeConfig.ApiLog(linegate.getApiLog().getRetention(), linegate.getApiLog().getBodies()))
                .timeouts(new RuntimeConfig.Timeouts(line.getConnectTimeout(), line.getReadTimeout()))
                .dispatch(new RuntimeConfig.Dispatch(linegate.getWorkers(), linegate.getMaxAttempts(), linegate.getDedupeWindow(),
                        new FloodPolicy(linegate.getFlood().getLimitPerMinute(), linegate.getFlood().getAction()),
                        linegate.getLeaseTime()));
        try {
            return new ChannelSettings(name, path, channelSecret, config.build());
        } catch (IllegalArgumentException e) {
            throw new InvalidLinegateConfiguration("linegate.*: " + e.getMessage(), e);
        }
    }

    /** The application's own {@code ChannelTokenSupplier} bean, by its name. */
    record Supplied(String bean, ChannelTokenSupplier tokens) {
    }

    /**
     * With several channels, one SQLite store each under linegate.store; on a database server, the
     * channel of line.bot.* has linegate.store and every other names its own.
     */
    private static String perChannel(String store, String name, String prefix) {
        boolean server = store.contains("://") || store.equals(DATASOURCE);
        if (server && name.equals(DEFAULT)) {
            return store;
        }
        if (server) {
            throw new InvalidLinegateConfiguration("with several channels each needs a store of its own: set " + prefix
                    + ".store (a database of its own on the PostgreSQL server of linegate.store)");
        }
        String dir = store.startsWith("sqlite:") ? store.substring("sqlite:".length()) : store;
        return "sqlite:" + java.nio.file.Path.of(dir).resolve(name);
    }

    /**
     * Spring leaves a placeholder it cannot resolve ({@code ${LINE_CHANNEL_SECRET}} without that
     * variable) in a bound property as it is: such a value fails the start instead of becoming a secret
     * that refuses every webhook.
     */
    private static void resolved(String value, String property) {
        if (value == null) {
            return;
        }
        int at = value.indexOf("${");
        int end = value.indexOf('}', at + 2);
        if (at >= 0 && end > at) {
            String name = value.substring(at + 2, end);
            String variable = name.contains(":") ? name.substring(0, name.indexOf(':')) : name;
            throw new InvalidLinegateConfiguration(property, property + " is the unresolved placeholder ${" + variable
                    + "}: set the environment variable (or property) " + variable + ", or give a default with ${"
                    + variable + ":...}");
        }
    }

    private static URI withoutTrailingSlash(URI api) {
        String s = api.toString();
        return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : api;
    }

    private static Secret require(Secret token, String property, String type) {
        if (token == null) {
            throw new InvalidLinegateConfiguration(property + " is required with the token type " + type);
        }
        return token;
    }

    private static String requireId(String channelId, String property, String type) {
        if (channelId == null || channelId.isBlank()) {
            throw new InvalidLinegateConfiguration(property + " is required with " + type + " tokens: they are issued with the"
                    + " channel id and secret");
        }
        return channelId;
    }
}
