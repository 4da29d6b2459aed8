package io.linegate.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.bot.messaging.model.PushMessageRequest;
import com.linecorp.bot.messaging.model.TextMessage;
import com.linecorp.bot.messaging.model.TextMessageV2;
import java.util.List;
import org.junit.jupiter.api.Test;

class HelpersTest {
    @Test
    void externalBrowserAndCustomTabParametersKeepQueryAndFragment() {
        assertThat(LineUrls.inExternalBrowser("https://example.com/")).isEqualTo("https://example.com/?openExternalBrowser=1");
        assertThat(LineUrls.inExternalBrowser("https://example.com/a?x=1#top"))
                .isEqualTo("https://example.com/a?x=1&openExternalBrowser=1#top");
        assertThat(LineUrls.inChromeCustomTab("https://example.com/?")).isEqualTo("https://example.com/?openInAppBrowser=0");
        assertThatThrownBy(() -> LineUrls.inExternalBrowser("https://liff.line.me/1234567890-AbcdEfgh"))
                .hasMessageContaining("LIFF");
    }

    @Test
    void lineUrlSchemeUsesHttpsAndPercentEncoding() {
        assertThat(LineUrls.officialAccount("@linedevelopers")).isEqualTo("https://line.me/R/ti/p/%40linedevelopers");
        assertThat(LineUrls.officialAccount("linedevelopers")).isEqualTo("https://line.me/R/ti/p/%40linedevelopers");
        assertThat(LineUrls.messageToOfficialAccount("@linedevelopers", "Hi there!"))
                .isEqualTo("https://line.me/R/oaMessage/%40linedevelopers/?Hi%20there%21");
        assertThat(LineUrls.shareText("Hi there!")).isEqualTo("https://line.me/R/share?text=Hi%20there%21");
        assertThat(LineUrls.recommendOfficialAccount("@linedevelopers")).isEqualTo("https://line.me/R/nv/recommendOA/%40linedevelopers");
        assertThat(LineUrls.cameraRoll(true)).isEqualTo("https://line.me/R/nv/cameraRoll/multi");
        assertThat(LineUrls.liff("1234567890-AbcdEfgh", "path_A/path_B/?key1=value1"))
                .isEqualTo("https://liff.line.me/1234567890-AbcdEfgh/path_A/path_B/?key1=value1");
        assertThatThrownBy(() -> LineUrls.liff("not a liff id", null)).hasMessageContaining("liffId");
    }

    @Test
    void emojiIndexesAreComputedInUtf16AndPassTheLimits() {
        TextMessage m = Texts.withEmojis().text("🍎 ").emoji("5ac1bfd5040ab15980c9b435", "001").text(" and $5 ")
                .emoji("5ac1bfd5040ab15980c9b435", "002").build();
        assertThat(m.text()).isEqualTo("🍎 $ and $5 $");
        assertThat(m.emojis()).extracting(e -> e.index()).containsExactly(3, 12);
        RequestLimits.check(new PushMessageRequest.Builder("U0123456789abcdef0123456789abcdef", List.of(m)).build());
    }

    @Test
    void textV2EscapesBracesAndNumbersItsPlaceholders() {
        TextMessageV2 m = Texts.v2().text("Welcome, ").mention("U0123456789abcdef0123456789abcdef")
                .text("! {not a placeholder} ").mentionAll().emoji("5a8555cfe6256cc92ea23c2a", "002").build();
        assertThat(m.text()).isEqualTo("Welcome, {m0}! {{not a placeholder}} {all1}{e2}");
        assertThat(m.substitution()).containsOnlyKeys("m0", "all1", "e2");
        RequestLimits.check(new PushMessageRequest.Builder("C0123456789abcdef0123456789abcdef", List.of(m)).build());
    }
}
