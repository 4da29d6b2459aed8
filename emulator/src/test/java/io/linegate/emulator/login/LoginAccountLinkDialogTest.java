package io.linegate.emulator.login;

import static io.linegate.emulator.login.LoginTestSupport.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.emulator.Emulator;
import io.linegate.emulator.login.LoginTestSupport.Browser;
import io.linegate.emulator.login.LoginTestSupport.Res;
import io.linegate.emulator.login.LoginTestSupport.Webhook;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The account-link dialog as a browser page (Messaging API docs, "Link user accounts"): ok for the token's user, failed for another, nothing on cancel. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LoginAccountLinkDialogTest {
    static final String NONCE = "bm9uY2UtMTIzNDU2Nzg5MA";
    Webhook webhook = new Webhook();
    Emulator emulator;
    Browser control;

    @BeforeEach
    void start() {
        emulator = Emulator.builder().webhookUrl(webhook.url()).build().start();
        control = new Browser(emulator.baseUrl());
    }

    @AfterEach
    void stop() {
        emulator.close();
        webhook.close();
    }

    String friend(String name) throws InterruptedException {
        String u = control.postJson("/control/v1/users", "{\"displayName\":\"" + name + "\"}", null).json().path("userId").asText();
        control.postJson("/control/v1/users/" + u + "/follow", "{}", null);
        assertThat(webhook.next().path("type").asText()).isEqualTo("follow");
        return u;
    }

    String linkToken(String userId) {
        Res r = control.postJson("/v2/bot/user/" + userId + "/linkToken", "", emulator.defaultChannel().accessToken());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("linkToken").asText();
    }

    /** The dialog, after logging in as {@code userId} in a fresh browser. */
    Res dialog(Browser browser, String userId, String token) {
        Res login = browser.get("/dialog/bot/accountLink?linkToken=" + enc(token) + "&nonce=" + enc(NONCE));
        Res dialog = browser.get(browser.logIn(login, userId + "@emulator.local", "password").location());
        assertThat(dialog.hasId("link") && dialog.hasId("cancel")).as(dialog.body()).isTrue();
        return dialog;
    }

    Res press(Browser browser, Res dialog, String button) {
        return browser.post(dialog.formAction("link-form"), Map.of("linkToken", dialog.hidden("linkToken"),
                "nonce", dialog.hidden("nonce"), "action", button));
    }

    @Test
    void theTokensOwnUserLinksOk() throws Exception {
        String frank = friend("Frank");
        Browser browser = new Browser(emulator.baseUrl());
        String token = linkToken(frank);
        Res result = press(browser, dialog(browser, frank, token), "link");
        assertThat(result.body()).contains("id=\"result\" data-result=\"ok\"");
        JsonNode e = webhook.next();
        assertThat(e.path("type").asText()).isEqualTo("accountLink");
        assertThat(e.path("link").path("result").asText()).isEqualTo("ok");
        assertThat(e.path("link").path("nonce").asText()).isEqualTo(NONCE);
        assertThat(e.path("source").path("userId").asText()).isEqualTo(frank);
        assertThat(e.path("replyToken").asText()).isNotBlank();

        // The token is used up: the dialog now shows an error, and no webhook follows.
        Res used = browser.get("/dialog/bot/accountLink?linkToken=" + enc(token) + "&nonce=" + enc(NONCE));
        assertThat(used.status()).isEqualTo(400);
        assertThat(used.hasId("error-message")).isTrue();
        assertThat(webhook.poll(300)).isNull();
    }

    @Test
    void anotherUserFailsAndCancelSendsNothing() throws Exception {
        String frank = friend("Frank");
        String mallory = friend("Mallory");
        Browser browser = new Browser(emulator.baseUrl());
        String token = linkToken(frank);
        Res dialog = dialog(browser, mallory, token);

        Res cancelled = press(browser, dialog, "cancel");
        assertThat(cancelled.body()).contains("data-result=\"cancelled\"");
        assertThat(webhook.poll(300)).isNull();

        Res failed = press(browser, dialog, "link");
        assertThat(failed.body()).contains("data-result=\"failed\"");
        JsonNode e = webhook.next();
        assertThat(e.path("link").path("result").asText()).isEqualTo("failed");
        assertThat(e.has("source")).isFalse();
        assertThat(e.has("replyToken")).isFalse();
    }
}
