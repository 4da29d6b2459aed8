package io.linegate.login;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.core.Json;
import io.linegate.core.Secret;
import io.linegate.emulator.Emulator;
import io.linegate.emulator.LoginChannelInfo;
import io.linegate.store.Store;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

/**
 * The emulator's LINE Login with one user, Taro (who logs in with {@link #EMAIL} and
 * {@link #PASSWORD}), a store for the site, and the site's side of a browser's login.
 */
final class LoginEmulator implements AutoCloseable {
    static final String CALLBACK = "https://member.example/callback";
    static final String EMAIL = "taro@example.com";
    static final String PASSWORD = "a long and secret password";

    final Emulator emulator;
    final LoginChannelInfo channel;
    final Store store;
    final String user;

    LoginEmulator(Path dir) throws Exception {
        emulator = Emulator.builder().port(0).loginCallbackUrl(CALLBACK).start();
        channel = emulator.defaultLoginChannel();
        store = Store.sqlite(dir);
        user = control("POST", "/users", "{\"displayName\":\"Taro\"}").path("userId").asText();
        control("PUT", "/login/users/" + user + "/credentials", "{\"email\":\"" + EMAIL + "\",\"password\":\"" + PASSWORD + "\"}");
    }

    /** A site's {@link LineLogin} for the emulator's Login channel, with {@link #CALLBACK} registered. */
    LineLogin.Builder login() {
        return LineLogin.builder(channel.channelId(), Secret.of(channel.channelSecret(), "login secret"), store.pendingLogins())
                .callbackUrls(CallbackUrls.of(List.of(CALLBACK))).platform(URI.create(emulator.baseUrl()));
    }

    /** Taro opens {@code begin}'s URL, logs in to LINE and answers the consent screen with {@code button}. */
    Browser consent(LoginFlow.Begin begin, String button) throws Exception {
        return Browser.logInAndAnswer(emulator.baseUrl(), begin.authorizationUrl(), EMAIL, PASSWORD, button, CALLBACK);
    }

    /** The login id in {@code begin}'s cookie, as the browser sends it back. */
    static String cookie(LoginFlow.Begin begin) {
        String c = begin.setCookie();
        return c.substring(c.indexOf('=') + 1, c.indexOf(';'));
    }

    JsonNode control(String method, String path, String body) throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(emulator.baseUrl() + "/control/v1" + path)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isBetween(200, 299);
        return res.body().isBlank() ? Json.mapper().createObjectNode() : Json.mapper().readTree(res.body());
    }

    @Override
    public void close() {
        store.close();
        emulator.close();
    }
}
