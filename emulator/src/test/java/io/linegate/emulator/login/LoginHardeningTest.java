package io.linegate.emulator.login;

import static io.linegate.emulator.login.LoginCodeFlowTest.CALLBACK;
import static io.linegate.emulator.login.LoginCodeFlowTest.CHALLENGE;
import static io.linegate.emulator.login.LoginCodeFlowTest.VERIFIER;
import static io.linegate.emulator.login.LoginTestSupport.enc;
import static io.linegate.emulator.login.LoginTestSupport.query;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.linegate.emulator.Emulator;
import io.linegate.emulator.LoginChannelInfo;
import io.linegate.emulator.MutableClock;
import io.linegate.emulator.login.LoginTestSupport.Browser;
import io.linegate.emulator.login.LoginTestSupport.Res;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The emulator's login side under attack: control characters in URL parameters, framing, PKCE
 * downgrade, and what its logs and error texts give away.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LoginHardeningTest {
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    final Map<String, Level> levels = new HashMap<>();
    MutableClock clock;
    Emulator emulator;
    LoginChannelInfo ch;
    Browser browser;
    String alice;

    @BeforeEach
    void start() {
        // Everything the emulator and Armeria log, down to DEBUG, is captured.
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        logs.setContext(context);
        logs.start();
        for (Logger l : context.getLoggerList()) {
            if (l.getLevel() != null) {
                levels.put(l.getName(), l.getLevel());
                l.setLevel(Level.DEBUG);
            }
        }
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(logs);
        clock = MutableClock.now();
        emulator = Emulator.builder().clock(clock).loginCallbackUrl(CALLBACK).build().start();
        ch = emulator.defaultLoginChannel();
        browser = new Browser(emulator.baseUrl());
        alice = browser.postJson("/control/v1/users", "{\"displayName\":\"Alice\"}", null).json().path("userId").asText();
    }

    @AfterEach
    void stop() {
        emulator.close();
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(logs);
        levels.forEach((name, level) -> context.getLogger(name).setLevel(level));
    }

    String authorize(String redirectUri, String state, String extra) {
        return "/oauth2/v2.1/authorize?response_type=code&client_id=" + ch.channelId() + "&redirect_uri=" + enc(redirectUri)
                + "&state=" + state + "&scope=profile%20openid&nonce=n0nce-xyz" + extra;
    }

    /** Logs Alice in to LINE and consents once, so that later authorizations go straight to the callback. */
    void logInAndConsent() {
        Res login = browser.get(authorize(CALLBACK, "first-state", ""));
        Res consent = browser.get(browser.logIn(login, alice + "@emulator.local", "password").location());
        Res back = browser.post(consent.formAction("consent-form"), Map.of("flow", consent.hidden("flow"), "action", "allow"));
        assertThat(back.status()).as(back.body()).isEqualTo(302);
    }

    String logText() {
        return logs.list.stream().map(e -> e.getFormattedMessage()
                        + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())))
                .collect(Collectors.joining("\n"));
    }

    @Test
    void aControlCharacterInAnyLoginParameterIs400AndNothingSecretReachesTheLog() {
        logInAndConsent();
        logs.list.clear();
        List<String> urls = new ArrayList<>();
        // A registered callback with a query added may be used; its added query must not smuggle CR/LF into Location.
        urls.add(authorize(CALLBACK + "?next=a\r\nSet-Cookie: pwned=1", "st4te-crlf-1", ""));
        urls.add(authorize(CALLBACK + "?next=a\nb", "st4te-lf-1", ""));
        urls.add(authorize(CALLBACK + "?next=a\rb", "st4te-cr-1", ""));
        urls.add(authorize(CALLBACK + "?next=a\u000bb", "st4te-vt-1", ""));
        urls.add(authorize(CALLBACK + "?next=a\u0000b", "st4te-nul-1", ""));
        urls.add(authorize(CALLBACK, "st4te%0D%0Aevil", ""));
        urls.add(authorize(CALLBACK, "st4te-tab", "&nonce2=%09x"));
        urls.add(authorize(CALLBACK, "st4te-nul", "&ui_locales=%00"));
        urls.add("/oauth2/v2.1/authorize/resume?flow=%0Dabc");
        urls.add("/dialog/bot/accountLink?linkToken=abc%0D%0Adef&nonce=" + enc("n0nce-1234567890"));
        urls.add("/liff/" + ch.liffId() + "?liff.redirect=" + enc("https://example.com/\r\nx"));
        for (String url : urls) {
            Res r = browser.get(url);
            assertThat(r.status()).as(url + " -> " + r.body()).isEqualTo(400);
            assertThat(r.location()).as(url).isNull();
            assertThat(r.raw().headers().map().toString()).as(url).doesNotContain("pwned");
            assertThat(r.body()).as(url).doesNotContain("Exception", "st4te");
        }
        assertThat(logText()).doesNotContain("st4te", "code=", "pwned");
    }

    @Test
    void noCodeStateOrTokenReachesTheLogOfACompleteLogin() throws Exception {
        logInAndConsent();
        logs.list.clear();
        Res back = browser.get(authorize(CALLBACK, "secret-state-123", "&code_challenge=" + CHALLENGE + "&code_challenge_method=S256"));
        String code = query(back.location()).get("code");
        Res tokens = exchange(code, VERIFIER);
        assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);
        JsonNode t = tokens.json();
        browser.get("/oauth2/v2.1/verify?access_token=" + enc(t.path("access_token").asText()));
        browser.getWithBearer("/v2/profile", t.path("access_token").asText());
        assertThat(logText()).doesNotContain(code, "secret-state-123", VERIFIER, t.path("access_token").asText(),
                t.path("id_token").asText(), t.path("refresh_token").asText());
    }

    Res exchange(String code, String verifier) {
        Map<String, String> form = new HashMap<>(Map.of("grant_type", "authorization_code", "code", code,
                "redirect_uri", CALLBACK, "client_id", ch.channelId(), "client_secret", ch.channelSecret()));
        if (verifier != null) {
            form.put("code_verifier", verifier);
        }
        return browser.post("/oauth2/v2.1/token", form);
    }

    @Test
    void theLoginConsentLinkAndErrorPagesCannotBeFramed() {
        Res login = browser.get(authorize(CALLBACK, "st", ""));
        Res consent = browser.get(browser.logIn(login, alice + "@emulator.local", "password").location());
        Res dialog = browser.get("/dialog/bot/accountLink?linkToken=unknown&nonce=n0nce-1234567890");
        Res error = browser.get("/oauth2/v2.1/authorize?client_id=nope");
        for (Res page : List.of(login, consent, dialog, error)) {
            assertThat(page.header("x-frame-options")).as(page.body()).isEqualTo("DENY");
            assertThat(page.header("content-security-policy")).contains("frame-ancestors 'none'");
        }
        assertThat(consent.hasId("allow")).isTrue();
    }

    @Test
    void aCodeVerifierIsRefusedWhenTheAuthorizationSentNoChallenge() {
        logInAndConsent();
        String code = query(browser.get(authorize(CALLBACK, "st", "")).location()).get("code");
        Res refused = exchange(code, VERIFIER);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("error").asText()).isEqualTo("invalid_grant");

        String plain = query(browser.get(authorize(CALLBACK, "st", "")).location()).get("code");
        assertThat(exchange(plain, null).status()).as("no PKCE at all is still allowed").isEqualTo(200);
    }

    @Test
    void verifySaysExpiredOnlyForATokenThatExpired() throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        SignedJWT forged = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().jwtID("never-issued").build());
        forged.sign(new MACSigner(key));
        Res unknown = browser.get("/oauth2/v2.1/verify?access_token=" + enc(forged.serialize()));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("error").asText()).isEqualTo("invalid_request");
        assertThat(unknown.json().path("error_description").asText()).isEqualTo("The access token invalid");

        logInAndConsent();
        String code = query(browser.get(authorize(CALLBACK, "st", "")).location()).get("code");
        String token = exchange(code, null).json().path("access_token").asText();
        clock.advance(Duration.ofDays(31));
        assertThat(browser.get("/oauth2/v2.1/verify?access_token=" + enc(token)).json().path("error_description").asText())
                .isEqualTo("The access token expired");
    }
}
