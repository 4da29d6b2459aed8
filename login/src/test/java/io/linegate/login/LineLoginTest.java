package io.linegate.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.core.Json;
import io.linegate.core.Secret;
import io.linegate.emulator.Emulator;
import io.linegate.emulator.LoginChannelInfo;
import io.linegate.login.LoginApi.LoginTokens;
import io.linegate.store.Store;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * LINE Login end to end against the emulator's authorize, login and consent pages and its token
 * endpoints: the happy path, and each attack on the code and the callback.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LineLoginTest {
    static final String CALLBACK = LoginEmulator.CALLBACK;
    static final String PASSWORD = LoginEmulator.PASSWORD;
    static final String CLIENT = "203.0.113.7";

    @TempDir
    Path dir;
    LoginEmulator fixture;
    Emulator emulator;
    LoginChannelInfo channel;
    Store store;
    LineLogin login;
    String user;
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    {
        logs.list = new CopyOnWriteArrayList<>(); // the emulator's threads append while a test reads
    }

    @BeforeEach
    void start() throws Exception {
        logs.start();
        root().addAppender(logs);
        fixture = new LoginEmulator(dir);
        emulator = fixture.emulator;
        channel = fixture.channel;
        store = fixture.store;
        user = fixture.user;
        login = fixture.login().build();
    }

    @AfterEach
    void stop() {
        root().detachAppender(logs);
        fixture.close();
    }

    @Test
    void logsInWithAVerifiedIdTokenThenRefreshesAndRevokes() throws Exception {
        LoginFlow.Begin begin = login.begin(CALLBACK, LoginFlow.Options.scopes("openid", "profile"), CLIENT);
        Browser browser = consent(begin, "allow");
        LineLogin.Result r = login.complete(cookie(begin), browser.query());

        assertThat(r.refused()).isNull();
        LineLogin.LoggedIn in = r.loggedIn();
        assertThat(in.lineUserId()).isEqualTo(user);
        assertThat(in.idToken().name()).isEqualTo("Taro");
        assertThat(in.idToken().audience()).isEqualTo(channel.channelId());
        assertThat(in.tokens().scope()).contains("profile").doesNotContain("email");
        assertThat(in.tokens().toString()).doesNotContain(in.tokens().accessToken());

        LoginApi api = login.api();
        assertThat(api.profile(in.tokens().accessToken()).userId()).isEqualTo(user);
        assertThat(api.verifyAccessToken(in.tokens().accessToken()).clientId()).isEqualTo(channel.channelId());
        LoginTokens refreshed = api.refresh(in.tokens().refreshToken());
        assertThat(refreshed.accessToken()).isNotEqualTo(in.tokens().accessToken());
        assertThat(refreshed.refreshToken()).isEqualTo(in.tokens().refreshToken()); // LINE keeps the refresh token
        api.revoke(refreshed.accessToken());
        assertThatThrownBy(() -> api.verifyAccessToken(refreshed.accessToken()))
                .isInstanceOf(LoginApiException.class).hasMessageContaining("400");
    }

    @Test
    void deauthorizeWithdrawsTheUsersConsentWhenAMemberUnregisters() throws Exception {
        LoginFlow.Begin begin = login.begin(CALLBACK, LoginFlow.Options.scopes("openid", "profile"), CLIENT);
        String userToken = login.complete(cookie(begin), consent(begin, "allow").query()).loggedIn().tokens().accessToken();
        HttpResponse<String> issued = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(emulator.baseUrl() + "/oauth2/v3/token")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + channel.channelId()
                        + "&client_secret=" + channel.channelSecret())).build(), HttpResponse.BodyHandlers.ofString());
        Secret channelToken = Secret.of(Json.mapper().readTree(issued.body()).path("access_token").asText(), "channel token");

        login.api().deauthorize(channelToken, userToken);
        assertThatThrownBy(() -> login.api().verifyAccessToken(userToken)).isInstanceOf(LoginApiException.class);
        assertThatThrownBy(() -> login.api().deauthorize(channelToken, userToken))
                .isInstanceOfSatisfying(LoginApiException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void lineCanVerifyTheIdTokenAndTellsTheFriendship() throws Exception {
        LoginFlow.Authorized a = authorize();
        LoginTokens tokens = login.api().exchange(a);

        assertThat(login.api().verifyIdTokenAtLine(tokens.idToken(), a.nonce()).subject()).isEqualTo(user);
        assertThatThrownBy(() -> login.api().verifyIdTokenAtLine(tokens.idToken(), "another-nonce"))
                .isInstanceOfSatisfying(LoginApiException.class, e -> assertThat(e.getMessage()).contains("Nonce"));

        assertThat(login.api().isFriend(tokens.accessToken())).isFalse();
        control("POST", "/users/" + user + "/follow", "{}");
        assertThat(login.api().isFriend(tokens.accessToken())).isTrue();
    }

    @Test
    void aReplayedCallbackIsRefused() throws Exception {
        LoginFlow.Begin begin = login.begin(CALLBACK, LoginFlow.Options.scopes("openid", "profile"), CLIENT);
        Map<String, String> callback = consent(begin, "allow").query();
        assertThat(login.complete(cookie(begin), callback).loggedIn()).isNotNull();
        assertThat(login.complete(cookie(begin), callback).refused().reason()).contains("already completed");
    }

    @Test
    void anAuthorizationCodeIsExchangedOnceOnly() throws Exception {
        LoginFlow.Authorized authorized = authorize();
        LoginApi api = login.api();
        assertThat(api.exchange(authorized).idToken()).isNotNull();
        assertThatThrownBy(() -> api.exchange(authorized))
                .isInstanceOfSatisfying(LoginApiException.class, e -> assertThat(e.error()).isEqualTo("invalid_grant"));
    }

    @Test
    void theExchangeNeedsTheRedirectUriOfTheRequestAndThenTheCodeIsSpent() throws Exception {
        LoginFlow.Authorized a = authorize();
        LoginFlow.Authorized elsewhere = new LoginFlow.Authorized(a.code(), CALLBACK + "?next=/evil", a.codeVerifier(),
                a.nonce(), null, null);
        assertThatThrownBy(() -> login.api().exchange(elsewhere))
                .isInstanceOfSatisfying(LoginApiException.class, e -> assertThat(e.error()).isEqualTo("invalid_grant"));
        assertThatThrownBy(() -> login.api().exchange(a)) // single use, whether or not the exchange succeeded
                .isInstanceOfSatisfying(LoginApiException.class, e -> assertThat(e.error()).isEqualTo("invalid_grant"));
    }

    @Test
    void aDeclinedConsentComesBackAsLinesErrorForTheUser() throws Exception {
        LoginFlow.Begin begin = login.begin(CALLBACK, LoginFlow.Options.scopes("openid", "profile"), CLIENT);
        LineLogin.Result r = login.complete(cookie(begin), consent(begin, "deny").query());
        assertThat(r.loggedIn()).isNull();
        assertThat(r.lineError().error()).isEqualTo("ACCESS_DENIED");
    }

    @Test
    void anAccessTokenOfAnotherChannelProvesNothing() throws Exception {
        LoginFlow.Begin begin = login.begin(CALLBACK, LoginFlow.Options.scopes("openid", "profile"), CLIENT);
        String token = login.complete(cookie(begin), consent(begin, "allow").query()).loggedIn().tokens().accessToken();
        LoginApi otherSite = new LoginApi(URI.create(emulator.baseUrl()), "1999999999", Secret.of("another-secret", "s"));
        assertThatThrownBy(() -> otherSite.verifyAccessToken(token)).hasMessageContaining("another channel");
    }

    @Test
    void liffTokensIdentifyTheUserOnTheServer() throws Exception {
        JsonNode session = control("POST", "/login/liff/" + channel.liffId() + "/sessions", "{\"userId\":\"" + user + "\"}");
        LoginApi api = login.api();
        LiffAuth liff = new LiffAuth(new IdTokenVerifier(channel.channelId(), Secret.of(channel.channelSecret(), "s"),
                new LineJwks(URI.create(emulator.baseUrl()), Clock.systemUTC()), Clock.systemUTC(), Duration.ofMinutes(1)), api);
        assertThat(liff.fromIdToken(session.path("idToken").asText()).userId()).isEqualTo(user);
        assertThat(liff.fromAccessToken(session.path("accessToken").asText()).userId()).isEqualTo(user);
        // A web-login (HS256) token is not a LIFF token, whatever it says.
        LoginFlow.Begin begin = login.begin(CALLBACK, LoginFlow.Options.scopes("openid", "profile"), CLIENT);
        String webToken = login.complete(cookie(begin), consent(begin, "allow").query()).loggedIn().tokens().idToken();
        assertThatThrownBy(() -> liff.fromIdToken(webToken)).isInstanceOf(InvalidIdTokenException.class)
                .hasMessageContaining("HS256");
    }

    @Test
    void noSecretTokenNonceOrCodeAppearsInTheLogs() throws Exception {
        List<String> secrets = new ArrayList<>(List.of(channel.channelSecret(), PASSWORD));
        LoginFlow flow = new LoginFlow(channel.channelId(), emulator.baseUrl(), CallbackUrls.of(List.of(CALLBACK)), store.pendingLogins(),
                Clock.systemUTC());
        LoginFlow.Begin begin = flow.begin(CALLBACK, LoginFlow.Options.scopes("openid", "profile"));
        Map<String, String> callback = consent(begin, "allow").query();
        LoginFlow.Authorized a = flow.callback(cookie(begin), callback).authorized();
        secrets.addAll(List.of(a.code(), a.codeVerifier(), a.nonce(), callback.get("state"), cookie(begin)));
        LoginTokens tokens = login.api().exchange(a);
        secrets.addAll(List.of(tokens.accessToken(), tokens.idToken(), tokens.refreshToken()));
        assertThatThrownBy(() -> login.api().exchange(a)).isInstanceOf(LoginApiException.class); // failures log too
        LoginFlow.Begin again = login.begin(CALLBACK, LoginFlow.Options.scopes("openid", "profile"), CLIENT);
        Map<String, String> spent = new HashMap<>(consent(again, "allow").query());
        secrets.add(spent.get("code"));
        spent.put("code", a.code()); // a valid state with a spent code: LINE refuses it, and linegate logs that
        assertThat(login.complete(cookie(again), spent).refused()).isNotNull();
        assertThat(login.complete(cookie(again), spent).refused()).isNotNull();

        assertThat(logs.list).isNotEmpty();
        for (ILoggingEvent e : logs.list) {
            String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()));
            for (String s : secrets) {
                assertThat(line).as("log line of %s", e.getLoggerName()).doesNotContain(s);
            }
        }
    }

    /** A callback that passed the flow's checks, ready for the exchange, as {@link LineLogin} would get it. */
    private LoginFlow.Authorized authorize() throws Exception {
        LoginFlow flow = new LoginFlow(channel.channelId(), emulator.baseUrl(), CallbackUrls.of(List.of(CALLBACK)), store.pendingLogins(),
                Clock.systemUTC());
        LoginFlow.Begin begin = flow.begin(CALLBACK, LoginFlow.Options.scopes("openid", "profile"));
        return flow.callback(cookie(begin), consent(begin, "allow").query()).authorized();
    }

    /**
     * The user logs in on the emulator's page and answers the consent screen with {@code button}
     * (LINE remembers a consent, so a later login with the same scopes goes straight back).
     */
    private Browser consent(LoginFlow.Begin begin, String button) throws Exception {
        return fixture.consent(begin, button);
    }

    private static String cookie(LoginFlow.Begin begin) {
        return LoginEmulator.cookie(begin);
    }

    private JsonNode control(String method, String path, String body) throws Exception {
        return fixture.control(method, path, body);
    }

    private static Logger root() {
        return ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
    }
}
