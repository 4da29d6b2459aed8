package io.linegate.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.Server;
import io.linegate.core.Json;
import io.linegate.core.Secret;
import io.linegate.emulator.Emulator;
import io.linegate.emulator.LoginChannelInfo;
import io.linegate.login.IdTokenVerifier;
import io.linegate.login.LiffAuth;
import io.linegate.login.LineJwks;
import io.linegate.login.LoginApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The LIFF endpoint establishes the user from a LIFF token only; a user id from the client is refused. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LiffVerifyServiceTest {
    Emulator emulator;
    Server site;
    String user;
    JsonNode session;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        emulator = Emulator.builder().port(0).start();
        LoginChannelInfo channel = emulator.defaultLoginChannel();
        URI platform = URI.create(emulator.baseUrl());
        Secret secret = Secret.of(channel.channelSecret(), "login secret");
        LiffAuth auth = new LiffAuth(new IdTokenVerifier(channel.channelId(), secret, new LineJwks(platform, Clock.systemUTC()),
                Clock.systemUTC(), Duration.ofMinutes(1)), new LoginApi(platform, channel.channelId(), secret));
        site = Server.builder().localPort(0, SessionProtocol.HTTP).service("/api/liff/verify", new LiffVerifyService(auth)).build();
        site.start().join();
        user = Json.mapper().readTree(send(emulator.baseUrl() + "/control/v1/users", "{\"displayName\":\"Hanako\"}").body())
                .path("userId").asText();
        session = Json.mapper().readTree(send(emulator.baseUrl() + "/control/v1/login/liff/" + channel.liffId() + "/sessions",
                "{\"userId\":\"" + user + "\"}").body());
    }

    @AfterEach
    void stop() {
        site.stop(); // Not joined: the port is ephemeral, and a stop waits about 2 s for Netty's idle boss loop after the last request.
        emulator.close();
    }

    @Test
    void anIdTokenOrAnAccessTokenIdentifiesTheUser() throws Exception {
        HttpResponse<String> byId = verify("{\"idToken\":\"" + session.path("idToken").asText() + "\"}");
        assertThat(byId.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(byId.body()).path("userId").asText()).isEqualTo(user);
        assertThat(Json.mapper().readTree(byId.body()).path("verifiedBy").asText()).isEqualTo("idToken");
        HttpResponse<String> byAccess = verify("{\"accessToken\":\"" + session.path("accessToken").asText() + "\"}");
        assertThat(Json.mapper().readTree(byAccess.body()).path("userId").asText()).isEqualTo(user);
    }

    @Test
    void aUserIdWithoutATokenIsRefusedNamingTheField() throws Exception {
        HttpResponse<String> r = verify("{\"userId\":\"" + user + "\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode b = Json.mapper().readTree(r.body());
        assertThat(b.path("details").get(0).path("property").asText()).isEqualTo("userId");
        assertThat(b.toString()).doesNotContain(user); // and of course nothing is verified
    }

    @Test
    void aUserIdBesideAValidTokenIsRefusedToo() throws Exception {
        HttpResponse<String> r = verify("{\"idToken\":\"" + session.path("idToken").asText() + "\",\"userId\":\"U0\"}");
        assertThat(r.statusCode()).isEqualTo(400);
    }

    @Test
    void forgedOrMalformedRequestsGetClearErrors() throws Exception {
        assertThat(verify("{\"idToken\":\"eyJhbGciOiJub25lIn0.eyJzdWIiOiJVMCJ9.\"}").statusCode()).isEqualTo(401);
        assertThat(verify("{\"accessToken\":\"not-a-token\"}").statusCode()).isEqualTo(401);
        assertThat(verify("{}").statusCode()).isEqualTo(400);
        assertThat(verify("not json").statusCode()).isEqualTo(400);
        HttpResponse<String> text = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + site.activeLocalPort()
                + "/api/liff/verify")).header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(text.statusCode()).isEqualTo(415);
    }

    private HttpResponse<String> verify(String body) throws Exception {
        return send("http://127.0.0.1:" + site.activeLocalPort() + "/api/liff/verify", body);
    }

    private HttpResponse<String> send(String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
