package io.linegate.emulator.login;

import static io.linegate.emulator.login.LoginTestSupport.enc;
import static io.linegate.emulator.login.LoginTestSupport.query;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.emulator.Emulator;
import io.linegate.emulator.LoginChannelInfo;
import io.linegate.emulator.login.LoginTestSupport.Browser;
import io.linegate.emulator.login.LoginTestSupport.Res;
import io.linegate.emulator.login.LoginTestSupport.Webhook;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code bot_prompt} (LINE Login docs, "Integrating LINE Login with your web app"): the add-friend option, its default, and friendship_status_changed. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LoginBotPromptTest {
    static final String CALLBACK = "http://127.0.0.1:9/callback";
    Emulator emulator;
    Webhook webhook = new Webhook();

    @AfterEach
    void stop() {
        if (emulator != null) {
            emulator.close();
        }
        webhook.close();
    }

    Browser start(boolean certified) {
        emulator = Emulator.builder().providerCertified(certified).webhookUrl(webhook.url()).loginCallbackUrl(CALLBACK)
                .build().start();
        return new Browser(emulator.baseUrl());
    }

    String user(Browser b) {
        return b.postJson("/control/v1/users", "{\"displayName\":\"Carol\"}", null).json().path("userId").asText();
    }

    Res consentPage(Browser b, String userId, String botPrompt) {
        LoginChannelInfo ch = emulator.defaultLoginChannel();
        Res login = b.get("/oauth2/v2.1/authorize?response_type=code&client_id=" + ch.channelId() + "&redirect_uri=" + enc(CALLBACK)
                + "&state=s&scope=profile&bot_prompt=" + botPrompt);
        return b.get(b.logIn(login, userId + "@emulator.local", "password").location());
    }

    static boolean checkboxChecked(Res consent) {
        return consent.body().matches("(?s).*<input type=\"checkbox\" id=\"add-friend\"[^>]* checked>.*");
    }

    @Test
    void normalUnderACertifiedProviderIsPreCheckedAndAddingAFriendFollowsTheBot() throws Exception {
        Browser b = start(true);
        String u = user(b);
        Res consent = consentPage(b, u, "normal");
        assertThat(consent.hasId("add-friend")).isTrue();
        assertThat(checkboxChecked(consent)).isTrue();
        // A browser submits a checked box as add-friend=on.
        Res callback = b.post(consent.formAction("consent-form"), Map.of("flow", consent.hidden("flow"), "action", "allow", "add-friend", "on"));
        assertThat(query(callback.location())).containsEntry("friendship_status_changed", "true");
        JsonNode follow = webhook.next();
        assertThat(follow.path("type").asText()).isEqualTo("follow");
        assertThat(follow.path("source").path("userId").asText()).isEqualTo(u);
        assertThat(follow.path("follow").path("isUnblocked").asBoolean()).isFalse();

        // A friend is not offered the option again, and the callback then says nothing about friendship.
        Res again = b.get("/oauth2/v2.1/authorize?response_type=code&client_id=" + emulator.defaultLoginChannel().channelId()
                + "&redirect_uri=" + enc(CALLBACK) + "&state=s&scope=profile&bot_prompt=normal");
        assertThat(again.status()).isEqualTo(302);
        assertThat(query(again.location())).doesNotContainKey("friendship_status_changed");
    }

    @Test
    void normalUnderAnUncertifiedProviderIsUncheckedAndUncheckedMeansNoChange() throws Exception {
        Browser b = start(false);
        String u = user(b);
        Res consent = consentPage(b, u, "normal");
        assertThat(consent.hasId("add-friend")).isTrue();
        assertThat(checkboxChecked(consent)).isFalse();
        Res callback = b.post(consent.formAction("consent-form"), Map.of("flow", consent.hidden("flow"), "action", "allow"));
        assertThat(query(callback.location())).containsEntry("friendship_status_changed", "false");
        assertThat(webhook.poll(300)).isNull();
    }

    @Test
    void aggressiveShowsASeparateScreenAfterConsent() throws Exception {
        Browser b = start(false);
        String u = user(b);
        Res consent = consentPage(b, u, "aggressive");
        assertThat(consent.body()).doesNotContain("type=\"checkbox\"");
        Res screen = b.post(consent.formAction("consent-form"), Map.of("flow", consent.hidden("flow"), "action", "allow"));
        assertThat(screen.hasId("add-friend")).isTrue();
        assertThat(screen.hasId("skip")).isTrue();
        Res callback = b.post(screen.formAction("add-friend-form"), Map.of("flow", screen.hidden("flow"), "action", "add"));
        assertThat(query(callback.location())).containsEntry("friendship_status_changed", "true");
        assertThat(webhook.next().path("type").asText()).isEqualTo("follow");

        // A user who blocks the bot is offered it again; skipping changes nothing.
        b.postJson("/control/v1/users/" + u + "/block", "{}", null);
        assertThat(webhook.next().path("type").asText()).isEqualTo("unfollow");
        Res offered = b.get("/oauth2/v2.1/authorize?response_type=code&client_id=" + emulator.defaultLoginChannel().channelId()
                + "&redirect_uri=" + enc(CALLBACK) + "&state=s&scope=profile&bot_prompt=aggressive");
        assertThat(offered.hasId("skip")).as(offered.body()).isTrue();
        Res skipped = b.post(offered.formAction("add-friend-form"), Map.of("flow", offered.hidden("flow"), "action", "skip"));
        assertThat(query(skipped.location())).containsEntry("friendship_status_changed", "false");
        assertThat(webhook.poll(300)).isNull();
    }
}
