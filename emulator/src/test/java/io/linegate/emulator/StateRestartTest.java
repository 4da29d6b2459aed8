package io.linegate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code --state DIR}, a restarted emulator is the same platform to the bots that use it: the
 * same channel id, secret, bot user id and basic id, the same Login channel and LIFF app, and every
 * channel access token it issued still valid (and every revoked one still revoked).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StateRestartTest {
    static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    @TempDir
    Path dir;

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static int botInfo(String base, String token) {
        return new Http(base, token).get("/v2/bot/info").status();
    }

    @Test
    void aRestartWithStateKeepsTheBotItsSecretsAndItsTokens() throws Exception {
        ChannelInfo before;
        LoginChannelInfo loginBefore;
        String shortLived;
        String revoked;
        String stateless;
        String v21;
        String v21KeyId;
        String botBasicId;
        String user;
        RSAKey key = new RSAKeyGenerator(2048).generate();
        String kid;
        try (Emulator e = Emulator.builder().stateDir(dir).build().start()) {
            before = e.defaultChannel();
            loginBefore = e.defaultLoginChannel();
            Http anon = new Http(e.baseUrl(), null);
            String credentials = "grant_type=client_credentials&client_id=" + before.channelId() + "&client_secret=" + before.channelSecret();
            shortLived = anon.form("/v2/oauth/accessToken", credentials).json().path("access_token").asText();
            revoked = anon.form("/v2/oauth/accessToken", credentials).json().path("access_token").asText();
            assertThat(anon.form("/v2/oauth/revoke", "access_token=" + enc(revoked)).status()).isEqualTo(200);
            stateless = anon.form("/oauth2/v3/token", credentials).json().path("access_token").asText();
            kid = e.registerAssertionKey(before.channelId(), key.toPublicJWK());
            var issued = anon.form("/oauth2/v2.1/token", "grant_type=client_credentials&client_assertion_type=" + enc(ASSERTION_TYPE)
                    + "&client_assertion=" + TokensTest.assertion(key, kid, before.channelId(), 600, 86400)).json();
            v21 = issued.path("access_token").asText();
            v21KeyId = issued.path("key_id").asText();
            botBasicId = new Http(e.baseUrl(), before.accessToken()).get("/v2/bot/info").json().path("basicId").asText();
            user = anon.post("/control/v1/users", "{\"displayName\":\"Kept\"}").json().path("userId").asText();
            anon.post("/control/v1/users/" + user + "/follow", "");
            for (String t : new String[] {shortLived, stateless, v21}) {
                assertThat(botInfo(e.baseUrl(), t)).isEqualTo(200);
            }
        }

        Path file = dir.resolve(Identities.FILE);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        try (Emulator e = Emulator.builder().stateDir(dir).build().start()) {
            ChannelInfo after = e.defaultChannel();
            assertThat(after.channelId()).isEqualTo(before.channelId());
            // Compared without printing either: a failure must not show the secret.
            assertThat(after.channelSecret().equals(before.channelSecret())).as("the module channel's saved secret").isTrue();
            assertThat(after.botUserId()).isEqualTo(before.botUserId());
            assertThat(after.accessToken()).isEqualTo(before.accessToken());
            var info = new Http(e.baseUrl(), after.accessToken()).get("/v2/bot/info").json();
            assertThat(info.path("userId").asText()).isEqualTo(before.botUserId());
            assertThat(info.path("basicId").asText()).isEqualTo(botBasicId);

            assertThat(botInfo(e.baseUrl(), shortLived)).isEqualTo(200);
            assertThat(botInfo(e.baseUrl(), stateless)).isEqualTo(200);
            assertThat(botInfo(e.baseUrl(), v21)).isEqualTo(200);
            assertThat(botInfo(e.baseUrl(), revoked)).isEqualTo(401);

            // The registered key still signs assertions, and the v2.1 token is still listed under it.
            Http anon = new Http(e.baseUrl(), null);
            var kids = anon.get("/oauth2/v2.1/tokens/kid?client_assertion_type=" + enc(ASSERTION_TYPE)
                    + "&client_assertion=" + TokensTest.assertion(key, kid, before.channelId(), 600, 86400)).json();
            assertThat(kids.path("kids").toString()).contains(v21KeyId);

            LoginChannelInfo loginAfter = e.defaultLoginChannel();
            assertThat(loginAfter.channelId()).isEqualTo(loginBefore.channelId());
            assertThat(loginAfter.channelSecret()).isEqualTo(loginBefore.channelSecret());
            assertThat(loginAfter.liffIds()).isEqualTo(loginBefore.liffIds());

            // The users were kept already: still a friend of the same bot.
            assertThat(anon.get("/control/v1/users").body()).contains(user).contains("FRIEND");
        }
    }

    @Test
    void aSecretGivenOnTheCommandLineWinsOverTheSavedOne() {
        String id;
        try (Emulator e = Emulator.builder().stateDir(dir).build().start()) {
            id = e.defaultChannel().channelId();
        }
        String secret = "0123456789abcdef0123456789abcdef";
        try (Emulator e = Emulator.builder().stateDir(dir).channelSecret(secret).build().start()) {
            assertThat(e.defaultChannel().channelId()).isEqualTo(id);
            assertThat(e.defaultChannel().channelSecret()).isEqualTo(secret);
        }
    }

    @Test
    void withoutStateEveryStartIsANewPlatform() {
        String first;
        try (Emulator e = Emulator.builder().build().start()) {
            first = e.defaultChannel().channelId() + e.defaultChannel().accessToken();
        }
        try (Emulator e = Emulator.builder().build().start()) {
            assertThat(e.defaultChannel().channelId() + e.defaultChannel().accessToken()).isNotEqualTo(first);
        }
    }

    @Test
    void aRestartWithStateKeepsAModuleChannelsIdSecretAndTokens() {
        EmulatorConfig config = new EmulatorConfig();
        config.moduleChannels.add(new EmulatorConfig.ModuleChannelConfig()); // no id or secret: generated once
        ModuleChannelInfo before;
        String token;
        try (Emulator e = Emulator.builder().config(config).stateDir(dir).build().start()) {
            before = e.moduleChannels().get(0);
            assertThat(before.toString()).doesNotContain(before.channelSecret());
            token = new Http(e.baseUrl(), null).form("/v2/oauth/accessToken", "grant_type=client_credentials&client_id="
                    + before.channelId() + "&client_secret=" + before.channelSecret()).json().path("access_token").asText();
            assertThat(new Http(e.baseUrl(), token).get("/v2/bot/list").status()).isEqualTo(200);
        }
        try (Emulator e = Emulator.builder().config(config).stateDir(dir).build().start()) {
            ModuleChannelInfo after = e.moduleChannels().get(0);
            assertThat(after.channelId()).isEqualTo(before.channelId());
            // Compared without printing either: a failure must not show the secret.
            assertThat(after.channelSecret().equals(before.channelSecret())).as("the module channel's saved secret").isTrue();
            assertThat(new Http(e.baseUrl(), token).get("/v2/bot/list").status()).isEqualTo(200);
        }
    }
}
