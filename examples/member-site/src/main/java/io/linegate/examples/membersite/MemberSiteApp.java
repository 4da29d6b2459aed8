package io.linegate.examples.membersite;

import io.linegate.core.Secret;
import io.linegate.examples.echo.EchoBot;
import io.linegate.server.LinegateServer;
import io.linegate.server.ServerTls;
import io.linegate.store.Store;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * The example as one process: the member site and the echo bot (with "link my account") on one
 * store, so that an account link started on either side is seen by both.
 */
public final class MemberSiteApp implements AutoCloseable {
    /** Where everything is: the LINE Platform (or the emulator), the two channels, and the site. */
    public record Settings(Path dataDir, URI platform, Secret botChannelSecret, Secret botAccessToken,
                           String loginChannelId, Secret loginChannelSecret, String liffId,
                           URI siteUrl, int sitePort, int botPort, Map<String, Secret> members) {}

    private final Store store;
    private final LinegateServer bot;
    private final MemberSite site;

    private MemberSiteApp(Settings s) {
        this.store = Store.sqlite(s.dataDir());
        this.site = MemberSite.builder(store, s.loginChannelId(), s.loginChannelSecret())
                .platform(s.platform()).publicUrl(s.siteUrl()).listen("127.0.0.1", s.sitePort())
                .liffId(s.liffId()).members(s.members()).build();
        this.bot = LinegateServer.builder(EchoBot.withAccountLinking(site.linkPageUrl(), site.accountLinks()), s.botChannelSecret())
                .store(store).accessToken(s.botAccessToken()).apiBase(s.platform())
                .host("127.0.0.1").port(s.botPort()).tls(ServerTls.insecureHttp()).build();
    }

    public static MemberSiteApp start(Settings settings) {
        MemberSiteApp app = new MemberSiteApp(settings);
        app.site.start();
        app.bot.start();
        return app;
    }

    public URI webhookUrl() {
        return bot.baseUri().resolve("/webhook");
    }

    public Store store() {
        return store;
    }

    @Override
    public void close() {
        site.close();
        bot.close();
        store.close();
    }
}
