package io.linegate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import io.linegate.core.Json;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Module and Module Attach (module.yml, module-attach.yml) over plain HTTP: the admin's consent and the
 * provider's code exchange attach a module channel to a bot, which the module then acts for with its
 * own channel access token and {@code X-Line-Bot-Id}; the list of bots with paging; acquiring and
 * releasing a chat's initiative (standby for the bot, active for the module, and back); detaching.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ModuleApiTest {
    static final String MODULE_ID = "3000000001";
    static final String MODULE_SECRET = "0123456789abcdef0123456789abcdef";
    static final String REDIRECT = "https://module.example/callback";

    MutableClock clock;
    Receiver botHook;
    Receiver moduleHook;
    Emulator e;
    Http control;
    Http anon;
    String moduleToken;

    @BeforeEach
    void start() {
        clock = new MutableClock(Instant.parse("2026-03-10T03:00:00Z"));
        botHook = new Receiver();
        moduleHook = new Receiver();
        EmulatorConfig config = new EmulatorConfig();
        EmulatorConfig.ChannelConfig first = new EmulatorConfig.ChannelConfig();
        first.webhookUrl = botHook.url();
        first.displayName = "First bot";
        EmulatorConfig.ChannelConfig second = new EmulatorConfig.ChannelConfig();
        second.displayName = "Second bot";
        config.channels.add(first);
        config.channels.add(second);
        EmulatorConfig.ModuleChannelConfig module = new EmulatorConfig.ModuleChannelConfig();
        module.channelId = MODULE_ID;
        module.channelSecret = MODULE_SECRET;
        module.webhookUrl = moduleHook.url();
        config.moduleChannels.add(module);
        e = Emulator.builder().config(config).rateLimits(false).clock(clock).build().start();
        control = new Http(e.baseUrl(), null);
        anon = new Http(e.baseUrl(), null);
        Http.Res token = anon.form("/v2/oauth/accessToken", "grant_type=client_credentials&client_id=" + MODULE_ID
                + "&client_secret=" + MODULE_SECRET);
        assertThat(token.status()).as(token.body()).isEqualTo(200);
        moduleToken = token.json().path("access_token").asText();
    }

    @AfterEach
    void stop() {
        e.close();
        botHook.close();
        moduleHook.close();
    }

    Http module() {
        return new Http(e.baseUrl(), moduleToken);
    }

    static Map<String, String> asBot(String botId) {
        return Map.of("X-Line-Bot-Id", botId);
    }

    /** The admin's consent for {@code channelId}'s bot: the code the browser brings back to the redirect URI. */
    String consent(String channelId, String scope) {
        String query = "response_type=code&client_id=" + MODULE_ID + "&redirect_uri=" + enc(REDIRECT) + "&scope=" + enc(scope)
                + "&state=st4te";
        Http.Res page = anon.get("/module/auth/v1/authorize?" + query);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("data-bot-id=\"" + botOf(channelId) + "\"");
        Http.Res back = anon.form("/module/auth/v1/authorize", query + "&bot=" + channelId);
        assertThat(back.status()).isEqualTo(302);
        String location = back.header("location");
        assertThat(location).startsWith(REDIRECT + "?code=").endsWith("&state=st4te");
        return URLDecoder.decode(location.substring(location.indexOf("code=") + 5, location.indexOf("&state")), StandardCharsets.UTF_8);
    }

    Http.Res exchange(String code, String basicSecret) {
        String basic = Base64.getEncoder().encodeToString((MODULE_ID + ":" + basicSecret).getBytes(StandardCharsets.UTF_8));
        return anon.send(HttpRequest.newBuilder(URI.create(e.baseUrl() + "/module/auth/v1/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&code=" + enc(code)
                        + "&redirect_uri=" + enc(REDIRECT))), false);
    }

    String botOf(String channelId) {
        return e.channels().stream().filter(c -> c.channelId().equals(channelId)).findFirst().orElseThrow().botUserId();
    }

    String attach(String channelId) throws Exception {
        Http.Res r = exchange(consent(channelId, "message:send message:receive"), MODULE_SECRET);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode attached = events(moduleHook.take()).get(0);
        assertThat(attached.path("type").asText()).isEqualTo("module");
        return r.json().path("bot_id").asText();
    }

    /** The events of a webhook request. */
    JsonNode events(AggregatedHttpRequest req) throws Exception {
        return Json.mapper().readTree(req.contentUtf8()).path("events");
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String sign(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    String friend(String name) throws Exception {
        return botHook.friend(control, name);
    }

    @Test
    void attachByTheProvidersCodeExchangeGivesTheBotIdAndScopesAndTheModuleActsForTheBot() throws Exception {
        String channel = e.defaultChannel().channelId();
        String code = consent(channel, "message:send message:receive");
        Http.Res r = exchange(code, MODULE_SECRET);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("bot_id").asText()).isEqualTo(e.defaultChannel().botUserId());
        assertThat(r.json().path("scopes").toString()).isEqualTo("[\"message:send\",\"message:receive\"]");

        // The module's webhook is told, signed with the module channel's secret, for the bot as destination.
        AggregatedHttpRequest hook = moduleHook.take();
        assertThat(hook.headers().get("x-line-signature")).isEqualTo(sign(MODULE_SECRET, hook.contentUtf8()));
        JsonNode body = Json.mapper().readTree(hook.contentUtf8());
        assertThat(body.path("destination").asText()).isEqualTo(e.defaultChannel().botUserId());
        JsonNode module = body.path("events").get(0).path("module");
        assertThat(module.path("type").asText()).isEqualTo("attached");
        assertThat(module.path("botId").asText()).isEqualTo(e.defaultChannel().botUserId());

        // A code is used once.
        Http.Res again = exchange(code, MODULE_SECRET);
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.json().path("error").asText()).isEqualTo("invalid_grant");

        // The module pushes as the bot: its token and X-Line-Bot-Id.
        String alice = friend("Alice");
        Http.Res push = module().post("/v2/bot/message/push", "{\"to\":\"" + alice + "\",\"messages\":[{\"type\":\"text\",\"text\":\"from the module\"}]}",
                asBot(e.defaultChannel().botUserId()));
        assertThat(push.status()).as(push.body()).isEqualTo(200);
        JsonNode inbox = control.get("/control/v1/users/" + alice + "/inbox").json().path("messages");
        assertThat(inbox.get(inbox.size() - 1).path("message").path("text").asText()).isEqualTo("from the module");

        // Without the header, for a bot it is not attached to, or with a Login channel's token: refused, never 500.
        Http.Res noHeader = module().post("/v2/bot/message/push", "{\"to\":\"" + alice + "\",\"messages\":[{\"type\":\"text\",\"text\":\"x\"}]}");
        assertThat(noHeader.status()).isEqualTo(400);
        assertThat(noHeader.json().path("details").get(0).path("property").asText()).isEqualTo("X-Line-Bot-Id");
        Http.Res otherBot = module().post("/v2/bot/message/push", "{\"to\":\"" + alice + "\",\"messages\":[{\"type\":\"text\",\"text\":\"x\"}]}",
                asBot(botOf(e.channels().get(1).channelId())));
        assertThat(otherBot.status()).isEqualTo(403);
        assertThat(otherBot.json().path("message").asText()).isNotBlank();
    }

    @Test
    void aModuleWithoutTheSendScopeCannotSendButCanRead() throws Exception {
        String code = consent(e.defaultChannel().channelId(), "message:receive");
        assertThat(exchange(code, MODULE_SECRET).status()).isEqualTo(200);
        String alice = friend("Alice");
        Http.Res push = module().post("/v2/bot/message/push", "{\"to\":\"" + alice + "\",\"messages\":[{\"type\":\"text\",\"text\":\"x\"}]}",
                asBot(e.defaultChannel().botUserId()));
        assertThat(push.status()).isEqualTo(403);
        assertThat(control.get("/control/v1/users/" + alice + "/inbox").json().path("messages")).isEmpty();
    }

    @Test
    void theCodeExchangeRefusesWrongClientsGrantsAndRedirects() throws Exception {
        String code = consent(e.defaultChannel().channelId(), "message:send");
        Http.Res wrongSecret = exchange(code, "f".repeat(32));
        assertThat(wrongSecret.status()).isEqualTo(401);
        assertThat(wrongSecret.json().path("error").asText()).isEqualTo("invalid_client");
        Http.Res unknown = exchange("no-such-code", MODULE_SECRET);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("error").asText()).isEqualTo("invalid_grant");
        Http.Res grantType = anon.form("/module/auth/v1/token", "grant_type=client_credentials&code=x&redirect_uri=" + enc(REDIRECT)
                + "&client_id=" + MODULE_ID + "&client_secret=" + MODULE_SECRET);
        assertThat(grantType.status()).isEqualTo(400);
        assertThat(grantType.json().path("error").asText()).isEqualTo("unsupported_grant_type");
        String other = consent(e.defaultChannel().channelId(), "message:send");
        Http.Res redirect = anon.form("/module/auth/v1/token", "grant_type=authorization_code&code=" + enc(other)
                + "&redirect_uri=" + enc("https://elsewhere.example/cb") + "&client_id=" + MODULE_ID + "&client_secret=" + MODULE_SECRET);
        assertThat(redirect.status()).isEqualTo(400);
        assertThat(redirect.json().path("error").asText()).isEqualTo("invalid_grant");
        // An expired code (10 minutes).
        String late = consent(e.defaultChannel().channelId(), "message:send");
        clock.advance(Duration.ofMinutes(11));
        assertThat(exchange(late, MODULE_SECRET).status()).isEqualTo(400);
        // The consent page refuses an unknown module channel with a page, never a redirect.
        Http.Res page = anon.get("/module/auth/v1/authorize?response_type=code&client_id=999&redirect_uri=" + enc(REDIRECT)
                + "&scope=message%3Asend&state=s");
        assertThat(page.status()).isEqualTo(400);
        assertThat(page.header("location")).isNull();
        assertThat(module().get("/v2/bot/list").json().path("bots")).isEmpty();
    }

    @Test
    void theListOfAttachedBotsPagesWithTheContinuationToken() throws Exception {
        String first = attach(e.channels().get(0).channelId());
        String second = attach(e.channels().get(1).channelId());
        Http.Res all = module().get("/v2/bot/list");
        assertThat(all.status()).as(all.body()).isEqualTo(200);
        assertThat(all.json().path("bots").findValuesAsText("userId")).containsExactly(first, second);
        assertThat(all.json().has("next")).isFalse();
        JsonNode bot = all.json().path("bots").get(1);
        assertThat(bot.path("displayName").asText()).isEqualTo("Second bot");
        assertThat(bot.path("basicId").asText()).startsWith("@");

        Http.Res page1 = module().get("/v2/bot/list?limit=1");
        assertThat(page1.json().path("bots").findValuesAsText("userId")).containsExactly(first);
        String next = page1.json().path("next").asText();
        assertThat(next).isNotEmpty();
        Http.Res page2 = module().get("/v2/bot/list?limit=1&start=" + enc(next));
        assertThat(page2.json().path("bots").findValuesAsText("userId")).containsExactly(second);
        assertThat(page2.json().has("next")).isFalse();

        Http.Res tooMany = module().get("/v2/bot/list?limit=101");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.json().path("details").get(0).path("property").asText()).isEqualTo("limit");
        assertThat(module().get("/v2/bot/list?start=bogus").status()).isEqualTo(400);
        // A bot's own token is not a module channel's.
        Http.Res botToken = new Http(e.baseUrl(), e.defaultChannel().accessToken()).get("/v2/bot/list");
        assertThat(botToken.status()).isEqualTo(401);
    }

    @Test
    void acquiringAChatPutsTheBotInStandbyUntilTheTtlEnds() throws Exception {
        String bot = attach(e.defaultChannel().channelId());
        String alice = friend("Alice");
        moduleHook.take(); // the follow, standby for the module

        Http.Res acquire = module().post("/v2/bot/chat/" + alice + "/control/acquire", "{\"expired\":true,\"ttl\":60}", asBot(bot));
        assertThat(acquire.status()).as(acquire.body()).isEqualTo(200);
        JsonNode activated = events(moduleHook.take()).get(0);
        assertThat(activated.path("type").asText()).isEqualTo("activated");
        assertThat(activated.path("chatControl").path("expireAt").asLong()).isEqualTo(clock.instant().plusSeconds(60).toEpochMilli());

        control.post("/control/v1/users/" + alice + "/messages", "{\"type\":\"text\",\"text\":\"hi\"}");
        JsonNode toBot = events(botHook.take()).get(0);
        assertThat(toBot.path("mode").asText()).isEqualTo("standby");
        assertThat(toBot.has("replyToken")).isFalse();
        JsonNode toModule = events(moduleHook.take()).get(0);
        assertThat(toModule.path("mode").asText()).isEqualTo("active");
        assertThat(toModule.path("message").path("text").asText()).isEqualTo("hi");
        // The module answers as the bot, with the reply token it received.
        Http.Res reply = module().post("/v2/bot/message/reply", "{\"replyToken\":\"" + toModule.path("replyToken").asText()
                + "\",\"messages\":[{\"type\":\"text\",\"text\":\"the module answers\"}]}", asBot(bot));
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);

        clock.advance(Duration.ofSeconds(61));
        control.post("/control/v1/users/" + alice + "/messages", "{\"type\":\"text\",\"text\":\"later\"}");
        JsonNode after = events(botHook.take()).get(0);
        assertThat(after.path("mode").asText()).isEqualTo("active");
        assertThat(after.has("replyToken")).isTrue();
        assertThat(events(moduleHook.take()).get(0).path("mode").asText()).isEqualTo("standby");
    }

    @Test
    void releasingAChatGivesItBackToTheBot() throws Exception {
        String bot = attach(e.defaultChannel().channelId());
        String alice = friend("Alice");
        moduleHook.take();
        assertThat(module().post("/v2/bot/chat/" + alice + "/control/acquire", "{\"expired\":false}", asBot(bot)).status()).isEqualTo(200);
        assertThat(events(moduleHook.take()).get(0).path("type").asText()).isEqualTo("activated");

        Http.Res release = module().post("/v2/bot/chat/" + alice + "/control/release", "", asBot(bot));
        assertThat(release.status()).as(release.body()).isEqualTo(200);
        assertThat(events(moduleHook.take()).get(0).path("type").asText()).isEqualTo("deactivated");
        control.post("/control/v1/users/" + alice + "/messages", "{\"type\":\"text\",\"text\":\"hi\"}");
        assertThat(events(botHook.take()).get(0).path("mode").asText()).isEqualTo("active");

        // Wrong state: releasing a chat the module does not hold.
        Http.Res twice = module().post("/v2/bot/chat/" + alice + "/control/release", "", asBot(bot));
        assertThat(twice.status()).isEqualTo(400);
        assertThat(twice.json().path("message").asText()).isNotBlank();
    }

    @Test
    void chatControlRefusesBadChatsTtlsAndBots() throws Exception {
        String bot = attach(e.defaultChannel().channelId());
        String alice = friend("Alice");
        Http.Res malformed = module().post("/v2/bot/chat/x/control/acquire", "{}", asBot(bot));
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().path("details").get(0).path("property").asText()).isEqualTo("chatId");
        Http.Res stranger = module().post("/v2/bot/chat/U" + "0".repeat(32) + "/control/acquire", "{}", asBot(bot));
        assertThat(stranger.status()).isEqualTo(404);
        Http.Res ttl = module().post("/v2/bot/chat/" + alice + "/control/acquire", "{\"ttl\":31536001}", asBot(bot));
        assertThat(ttl.status()).isEqualTo(400);
        assertThat(ttl.json().path("details").get(0).path("property").asText()).isEqualTo("ttl");
        Http.Res noBot = module().post("/v2/bot/chat/" + alice + "/control/acquire", "{}");
        assertThat(noBot.status()).isEqualTo(400);
        Http.Res notAttached = module().post("/v2/bot/chat/" + alice + "/control/acquire", "{}",
                asBot(botOf(e.channels().get(1).channelId())));
        assertThat(notAttached.status()).isEqualTo(403);
        Http.Res botToken = new Http(e.baseUrl(), e.defaultChannel().accessToken())
                .post("/v2/bot/chat/" + alice + "/control/acquire", "{}");
        assertThat(botToken.status()).isEqualTo(401);
    }

    @Test
    void detachingEndsTheAttachmentAndGivesTheChatsBack() throws Exception {
        String bot = attach(e.defaultChannel().channelId());
        String alice = friend("Alice");
        moduleHook.take();
        module().post("/v2/bot/chat/" + alice + "/control/acquire", "{\"expired\":false}", asBot(bot));
        moduleHook.take();

        Http.Res detach = module().post("/v2/bot/channel/detach", "{\"botId\":\"" + bot + "\"}");
        assertThat(detach.status()).as(detach.body()).isEqualTo(200);
        assertThat(module().get("/v2/bot/list").json().path("bots")).isEmpty();
        control.post("/control/v1/users/" + alice + "/messages", "{\"type\":\"text\",\"text\":\"hi\"}");
        assertThat(events(botHook.take()).get(0).path("mode").asText()).isEqualTo("active");
        Http.Res push = module().post("/v2/bot/message/push", "{\"to\":\"" + alice + "\",\"messages\":[{\"type\":\"text\",\"text\":\"x\"}]}",
                asBot(bot));
        assertThat(push.status()).isEqualTo(403);

        // Wrong state and bad input: detaching again, no botId, a bot's own token.
        Http.Res again = module().post("/v2/bot/channel/detach", "{\"botId\":\"" + bot + "\"}");
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.json().path("details").get(0).path("property").asText()).isEqualTo("botId");
        assertThat(module().post("/v2/bot/channel/detach", "{}").status()).isEqualTo(400);
        assertThat(new Http(e.baseUrl(), e.defaultChannel().accessToken())
                .post("/v2/bot/channel/detach", "{\"botId\":\"" + bot + "\"}").status()).isEqualTo(401);
        Map<String, Integer> never500 = new HashMap<>();
        for (String path : List.of("/v2/bot/channel/detach", "/v2/bot/chat/" + alice + "/control/acquire",
                "/v2/bot/chat/" + alice + "/control/release")) {
            never500.put(path, module().post(path, "[1,", asBot(bot)).status());
        }
        assertThat(never500.values()).allMatch(s -> s >= 400 && s < 500);
    }
}
