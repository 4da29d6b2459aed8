package io.linegate.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The LIFF Server API over plain HTTP with the LINE Login channel's channel access token, one test
 * per operation of liff.yml; the apps it adds are the ones the Login side opens.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiffServerApiTest {
    static Emulator emulator;
    static Http liff;
    static Http anon;
    static String user;

    @BeforeAll
    static void start() {
        emulator = Emulator.builder().rateLimits(false).build().start();
        anon = new Http(emulator.baseUrl(), null);
        LoginChannelInfo ch = emulator.defaultLoginChannel();
        String token = anon.form("/v2/oauth/accessToken", "grant_type=client_credentials&client_id=" + ch.channelId()
                + "&client_secret=" + ch.channelSecret()).json().path("access_token").asText();
        liff = new Http(emulator.baseUrl(), token);
        user = anon.post("/control/v1/users", "{\"displayName\":\"Liff\"}").json().path("userId").asText();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    static String add(String url) {
        Http.Res r = liff.post("/liff/v1/apps", "{\"view\":{\"type\":\"tall\",\"url\":\"" + url + "\"},\"description\":\"Shop\","
                + "\"features\":{\"qrCode\":true},\"scope\":[\"openid\",\"profile\"],\"botPrompt\":\"normal\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("liffId").asText();
    }

    @Test
    void addLiffAppGivesAnIdTheLoginSideOpens() {
        String id = add("https://shop.example/liff");
        assertThat(id).matches(emulator.defaultLoginChannel().channelId() + "-[A-Za-z0-9]{8}");
        Http.Res session = anon.post("/control/v1/login/liff/" + id + "/sessions", "{\"userId\":\"" + user + "\"}");
        assertThat(session.status()).as(session.body()).isEqualTo(200);
        assertThat(session.json().path("idToken").asText()).isNotEmpty();
    }

    @Test
    void getAllLiffAppsListsThemWithTheirSettings() {
        String id = add("https://shop.example/list");
        JsonNode apps = liff.get("/liff/v1/apps").json().path("apps");
        JsonNode app = null;
        for (JsonNode a : apps) {
            if (a.path("liffId").asText().equals(id)) {
                app = a;
            }
        }
        assertThat(app).isNotNull();
        assertThat(app.path("view").path("type").asText()).isEqualTo("tall");
        assertThat(app.path("view").path("url").asText()).isEqualTo("https://shop.example/list");
        assertThat(app.path("description").asText()).isEqualTo("Shop");
        assertThat(app.path("features").path("qrCode").asBoolean()).isTrue();
        assertThat(app.path("botPrompt").asText()).isEqualTo("normal");
        assertThat(app.path("scope").toString()).isEqualTo("[\"openid\",\"profile\"]");
    }

    @Test
    void updateLiffAppChangesWhereItOpens() {
        String id = add("http://127.0.0.1:9/before");
        assertThat(liff.put("/liff/v1/apps/" + id, "{\"view\":{\"url\":\"http://127.0.0.1:9/after\"},\"scope\":[\"openid\"]}").status()).isEqualTo(200);
        JsonNode listed = null;
        for (JsonNode a : liff.get("/liff/v1/apps").json().path("apps")) {
            if (a.path("liffId").asText().equals(id)) {
                listed = a;
            }
        }
        assertThat(listed.path("view").path("url").asText()).isEqualTo("http://127.0.0.1:9/after");
        assertThat(listed.path("view").path("type").asText()).isEqualTo("tall"); // kept
        assertThat(listed.path("scope").toString()).isEqualTo("[\"openid\"]");
        assertThat(liff.put("/liff/v1/apps/" + emulator.defaultLoginChannel().channelId() + "-zzzzzzzz", "{\"description\":\"x\"}").status())
                .isEqualTo(404);
    }

    @Test
    void deleteLiffAppStopsItOpening() {
        String id = add("https://shop.example/gone");
        assertThat(liff.delete("/liff/v1/apps/" + id).status()).isEqualTo(200);
        assertThat(anon.get("/liff/" + id).status()).isEqualTo(404);
        assertThat(anon.post("/control/v1/login/liff/" + id + "/sessions", "{\"userId\":\"" + user + "\"}").status()).isEqualTo(404);
        assertThat(liff.delete("/liff/v1/apps/" + id).status()).isEqualTo(404);
    }

    @Test
    void badRequestsAreRefusedByNameAndOnlyTheLoginChannelsTokenIsAccepted() {
        Http.Res insecure = liff.post("/liff/v1/apps", "{\"view\":{\"type\":\"full\",\"url\":\"http://shop.example/\"}}");
        assertThat(insecure.status()).isEqualTo(400);
        assertThat(insecure.json().path("details").get(0).path("property").asText()).isEqualTo("view.url");
        Http.Res badType = liff.post("/liff/v1/apps", "{\"view\":{\"type\":\"huge\",\"url\":\"https://shop.example/\"}}");
        assertThat(badType.status()).isEqualTo(400);
        assertThat(badType.json().path("details").get(0).path("property").asText()).isEqualTo("view.type");
        Http.Res badScope = liff.post("/liff/v1/apps", "{\"view\":{\"type\":\"full\",\"url\":\"https://shop.example/\"},\"scope\":[\"friends\"]}");
        assertThat(badScope.status()).isEqualTo(400);
        assertThat(badScope.json().path("details").get(0).path("property").asText()).isEqualTo("scope[0]");
        Http messaging = new Http(emulator.baseUrl(), emulator.defaultChannel().accessToken());
        assertThat(messaging.get("/liff/v1/apps").status()).isEqualTo(401);
        assertThat(anon.get("/liff/v1/apps").status()).isEqualTo(401);
    }
}
