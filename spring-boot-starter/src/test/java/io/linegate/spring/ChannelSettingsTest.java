package io.linegate.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A configuration mistake stops the application with the property's name, never with a secret. */
class ChannelSettingsTest {
    static final String SECRET = "a-channel-secret-0123456789abcdef";

    @Test
    void theOfficialPropertiesMakeTheDefaultChannelOnCallback() {
        LineBotProperties line = new LineBotProperties();
        line.setChannelSecret(SECRET);
        line.setChannelToken("a-long-lived-token-0123456789");

        List<ChannelSettings> channels = ChannelSettings.resolve(line, new LinegateProperties());

        assertThat(channels).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("default");
            assertThat(c.path()).isEqualTo("/callback");
            assertThat(c.runtime().apiBase()).hasToString("https://api.line.me");
            assertThat(c.runtime().tokens().type()).hasToString("LONG_LIVED");
            assertThat(c.runtime().storeLocation()).isEqualTo("sqlite:linegate-data");
        });
    }

    @Test
    void managedTokensNeedTheChannelIdAndSaySo() {
        LineBotProperties line = new LineBotProperties();
        line.setChannelSecret(SECRET);
        LinegateProperties linegate = new LinegateProperties();
        linegate.setTokenType("stateless");

        assertThatThrownBy(() -> ChannelSettings.resolve(line, linegate))
                .hasMessageContaining("linegate.channel-id is required with stateless tokens");
    }

    @Test
    void mistakesNameTheProperty() {
        LineBotProperties line = new LineBotProperties();
        line.setChannelSecret(SECRET);
        LinegateProperties linegate = new LinegateProperties();
        LinegateProperties.Channel shop = new LinegateProperties.Channel();
        linegate.getChannels().put("shop", shop);
        assertThatThrownBy(() -> ChannelSettings.resolve(line, linegate)).hasMessageContaining("linegate.channels.shop.path is required");

        shop.setPath("/callback");
        assertThatThrownBy(() -> ChannelSettings.resolve(line, linegate))
                .hasMessageContaining("linegate.channels.shop.channel-secret is required");

        shop.setChannelSecret("another-secret-0123456789abcdef");
        assertThatThrownBy(() -> ChannelSettings.resolve(line, linegate))
                .hasMessageContaining("two channels have the webhook path /callback").hasMessageNotContaining(SECRET);

        shop.setPath("/callback/shop");
        shop.setTokenType("magic");
        assertThatThrownBy(() -> ChannelSettings.resolve(line, linegate))
                .hasMessageContaining("linegate.channels.shop.token-type must be fixed, long-lived, short-lived or stateless");

        shop.setTokenType(null);
        linegate.setStore("postgresql://db.example:5432/bot?user=bot&password=hunter2hunter2");
        assertThatThrownBy(() -> ChannelSettings.resolve(line, linegate))
                .hasMessageContaining("set linegate.channels.shop.store").hasMessageNotContaining("hunter2");
    }

    @Test
    void skippingSignatureVerificationIsRefused() {
        LineBotProperties line = new LineBotProperties();
        line.setChannelSecret(SECRET);
        line.setSkipSignatureVerification(true);

        assertThatThrownBy(() -> ChannelSettings.resolve(line, new LinegateProperties()))
                .hasMessageContaining("line.bot.skip-signature-verification=true is refused");
    }

    @Test
    void severalChannelsOnSqliteGetADirectoryEach() {
        LineBotProperties line = new LineBotProperties();
        line.setChannelSecret(SECRET);
        LinegateProperties linegate = new LinegateProperties();
        linegate.setStore("sqlite:/var/lib/bot");
        LinegateProperties.Channel shop = new LinegateProperties.Channel();
        shop.setPath("/callback/shop");
        shop.setChannelSecret("another-secret-0123456789abcdef");
        linegate.getChannels().put("shop", shop);

        assertThat(ChannelSettings.resolve(line, linegate)).extracting(c -> c.runtime().storeLocation())
                .containsExactly("sqlite:/var/lib/bot/default", "sqlite:/var/lib/bot/shop");
    }
}
