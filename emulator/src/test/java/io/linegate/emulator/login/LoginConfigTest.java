package io.linegate.emulator.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linegate.emulator.Emulator;
import io.linegate.emulator.EmulatorConfig;
import io.linegate.emulator.LoginChannelInfo;
import io.linegate.emulator.login.LoginTestSupport.Browser;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Login channels from the configuration, and what the configuration refuses. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LoginConfigTest {
    static EmulatorConfig config() {
        EmulatorConfig c = new EmulatorConfig();
        EmulatorConfig.Provider p = new EmulatorConfig.Provider();
        p.name = "Example";
        p.certified = true;
        c.providers.add(p);
        EmulatorConfig.ChannelConfig bot = new EmulatorConfig.ChannelConfig();
        bot.channelId = "1111111111";
        bot.provider = "Example";
        c.channels.add(bot);
        EmulatorConfig.LoginChannelConfig l = new EmulatorConfig.LoginChannelConfig();
        l.channelId = "2222222222";
        l.channelSecret = "0123456789abcdef0123456789abcdef";
        l.provider = "Example";
        l.linkedBotChannelId = "1111111111";
        l.callbackUrls.add("https://example.com/callback");
        l.status = "developing";
        l.testers.add("U" + "a".repeat(32));
        EmulatorConfig.LiffAppConfig liff = new EmulatorConfig.LiffAppConfig();
        liff.liffId = "2222222222-AbcdEfgh";
        liff.endpointUrl = "https://example.com/liff";
        l.liffApps.add(liff);
        c.loginChannels.add(l);
        EmulatorConfig.UserConfig u = new EmulatorConfig.UserConfig();
        u.userId = "U" + "a".repeat(32);
        u.email = "tester@example.com";
        u.password = "pw-123456";
        c.users.add(u);
        return c;
    }

    @Test
    void configuredLoginChannel() {
        try (Emulator e = Emulator.builder().config(config()).build().start()) {
            LoginChannelInfo ch = e.defaultLoginChannel();
            assertThat(ch.channelId()).isEqualTo("2222222222");
            assertThat(ch.liffId()).isEqualTo("2222222222-AbcdEfgh");
            assertThat(e.loginChannels()).hasSize(1);
            String list = new Browser(e.baseUrl()).get("/control/v1/login/channels").body();
            assertThat(list).contains("\"status\":\"developing\"", "\"certifiedProvider\":true", "https://example.com/callback")
                    .doesNotContain(ch.channelSecret());
            // The configured credentials log the tester in.
            Browser b = new Browser(e.baseUrl());
            LoginTestSupport.Res login = b.get("/liff/" + ch.liffId());
            assertThat(b.logIn(login, "tester@example.com", "pw-123456").status()).isEqualTo(303);
        }
    }

    @Test
    void refusals() {
        EmulatorConfig tooMany = config();
        for (int i = 0; i < 400; i++) {
            tooMany.loginChannels.get(0).callbackUrls.add("https://example.com/cb" + i);
        }
        assertThatThrownBy(() -> Emulator.builder().config(tooMany).build()).hasMessageContaining("400");

        EmulatorConfig otherProvider = config();
        otherProvider.loginChannels.get(0).provider = "Another";
        assertThatThrownBy(() -> Emulator.builder().config(otherProvider).build()).hasMessageContaining("same provider");

        EmulatorConfig shortSecret = config();
        shortSecret.loginChannels.get(0).channelSecret = "short";
        assertThatThrownBy(() -> Emulator.builder().config(shortSecret).build()).hasMessageContaining("32").hasMessageNotContaining("short");

        EmulatorConfig plainHttpLiff = config();
        plainHttpLiff.loginChannels.get(0).liffApps.get(0).endpointUrl = "http://example.com/liff";
        assertThatThrownBy(() -> Emulator.builder().config(plainHttpLiff).build()).hasMessageContaining("https");

        EmulatorConfig badLiffId = config();
        badLiffId.loginChannels.get(0).liffApps.get(0).liffId = "nope";
        assertThatThrownBy(() -> Emulator.builder().config(badLiffId).build()).hasMessageContaining("LIFF ID");

        EmulatorConfig badTypes = config();
        badTypes.loginChannels.get(0).appTypes = List.of("desktop");
        assertThatThrownBy(() -> Emulator.builder().config(badTypes).build()).hasMessageContaining("appTypes");
    }
}
