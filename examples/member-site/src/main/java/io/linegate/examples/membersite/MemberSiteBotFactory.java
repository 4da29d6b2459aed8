package io.linegate.examples.membersite;

import io.linegate.core.Secret;
import io.linegate.examples.echo.EchoBot;
import io.linegate.webhook.Bot;
import io.linegate.webhook.BotEnvironment;
import io.linegate.webhook.BotFactory;
import io.linegate.webhook.EventHandler;
import io.linegate.webhook.Middleware;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code linegate serve --bot member-site}: the member site started on the runtime's store, and the
 * echo bot with account linking to it, in one process (what {@code linegate demo} runs). Settings:
 * {@code login-channel-id}, {@code login-channel-secret}, {@code site-url} (its public URL),
 * {@code site-port}; optional {@code platform} (LINE's or the emulator's base URL, for LINE Login),
 * {@code liff-id}, {@code site-host} (default 127.0.0.1) and {@code members}
 * ({@code name:password,...}, the site's own accounts).
 */
public final class MemberSiteBotFactory implements BotFactory {
    @Override
    public String name() {
        return "member-site";
    }

    @Override
    public Bot create(BotEnvironment env) {
        Map<String, Secret> members = new LinkedHashMap<>();
        for (String entry : env.optionalSetting("members").orElse("").split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("the setting 'members' is name:password,...; an entry has no ':'");
            }
            members.put(entry.substring(0, colon).strip(), Secret.of(entry.substring(colon + 1), "member password"));
        }
        int port;
        try {
            port = Integer.parseInt(env.setting("site-port"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the setting 'site-port' must be a port number");
        }
        MemberSite.Builder site = MemberSite.builder(env.store(), env.setting("login-channel-id"),
                        Secret.of(env.setting("login-channel-secret"), "login channel secret"))
                .publicUrl(URI.create(env.setting("site-url")))
                .listen(env.optionalSetting("site-host").orElse("127.0.0.1"), port)
                .members(members);
        env.optionalSetting("platform").ifPresent(p -> site.platform(URI.create(p)));
        env.optionalSetting("liff-id").ifPresent(site::liffId);
        MemberSite running = site.build();
        running.start();
        EchoBot echo = EchoBot.withAccountLinking(running.linkPageUrl(), running.accountLinks());
        return new Bot() {
            @Override public String name() { return "member-site"; }
            @Override public EventHandler handler() { return echo.handler(); }
            @Override public List<Middleware> middleware() { return echo.middleware(); }
            @Override public void close() { running.close(); }
        };
    }
}
