package io.linegate.examples.membersite;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.core.Json;
import io.linegate.core.Secret;
import io.linegate.emulator.ChannelInfo;
import io.linegate.emulator.Emulator;
import io.linegate.emulator.LoginChannelInfo;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The example as a user meets it: the emulator (LINE), the member site and the echo bot in one
 * process, and, for browser tests, Debian's headless Chromium. The site is at {@code localhost}
 * (its login cookie is Secure, which browsers honour over plain http on localhost) and LINE at
 * {@code 127.0.0.1}: two different sites, as on the real platform.
 */
final class SiteFixture implements AutoCloseable {
    static final String CHROMIUM = System.getProperty("chromium.binary", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("chromedriver.binary", "/usr/bin/chromedriver");

    final Emulator emulator;
    final MemberSiteApp app;
    final String site;
    final int sitePort;
    private final HttpClient http = HttpClient.newHttpClient();

    SiteFixture(Path dir, Map<String, Secret> members) throws Exception {
        sitePort = freePort();
        int botPort = freePort();
        site = "http://localhost:" + sitePort;
        emulator = Emulator.builder().port(0).webhookUrl("http://127.0.0.1:" + botPort + "/webhook")
                .loginCallbackUrl(site + "/callback").liffEndpointUrl(site + "/liff").providerCertified(true)
                .start();
        ChannelInfo bot = emulator.defaultChannel();
        LoginChannelInfo loginChannel = emulator.defaultLoginChannel();
        app = MemberSiteApp.start(new MemberSiteApp.Settings(dir, URI.create(emulator.baseUrl()),
                Secret.of(bot.channelSecret(), "bot secret"), Secret.of(bot.accessToken(), "bot token"),
                loginChannel.channelId(), Secret.of(loginChannel.channelSecret(), "login secret"), loginChannel.liffId(),
                URI.create(site), sitePort, botPort, members));
    }

    /** A LINE user of the emulator who logs in with {@code email} and {@code password}. */
    String lineUser(String name, String email, String password) throws Exception {
        String id = control("POST", "/users", "{\"displayName\":\"" + name + "\"}").path("userId").asText();
        control("PUT", "/login/users/" + id + "/credentials", "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
        return id;
    }

    JsonNode control(String method, String path, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/control/v1" + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> res = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(method + " " + path + ": " + res.body()).isBetween(200, 299);
        return res.body().isBlank() ? Json.mapper().createObjectNode() : Json.mapper().readTree(res.body());
    }

    String inbox(String userId) throws Exception {
        return control("GET", "/users/" + userId + "/inbox", null).toString();
    }

    /**
     * Headless Chromium with a profile of its own. Without Chromium or ChromeDriver the test is
     * skipped, saying what is missing; with {@code LINEGATE_REQUIRE_BROWSER=1} it fails instead.
     */
    static Chromium chromium(Path profile) throws Exception {
        List<String> missing = new ArrayList<>();
        if (!new File(CHROMIUM).canExecute()) {
            missing.add("Chromium at " + CHROMIUM + " (apt-get install chromium)");
        }
        if (!new File(CHROMEDRIVER).canExecute()) {
            missing.add("ChromeDriver at " + CHROMEDRIVER + " (apt-get install chromium-driver)");
        }
        if (!missing.isEmpty()) {
            if ("1".equals(System.getenv("LINEGATE_REQUIRE_BROWSER"))) {
                Assertions.fail("LINEGATE_REQUIRE_BROWSER=1, but missing: " + String.join("; ", missing));
            }
            Assumptions.abort("no browser to test with, missing: " + String.join("; ", missing));
        }
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM)
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--user-data-dir=" + Files.createDirectories(profile));
        WebDriver driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort().build(), options);
        return new Chromium(driver, new WebDriverWait(driver, Duration.ofSeconds(20)));
    }

    /** A browser and its wait. */
    record Chromium(WebDriver driver, WebDriverWait until) implements AutoCloseable {
        /** The text of element {@code id}, once the page that has it has loaded. */
        String text(String id) {
            return until.until(ExpectedConditions.presenceOfElementLocated(By.id(id))).getText();
        }

        void click(String id) {
            until.until(ExpectedConditions.elementToBeClickable(By.id(id))).click();
        }

        void type(String id, String text) {
            until.until(ExpectedConditions.presenceOfElementLocated(By.id(id))).sendKeys(text);
        }

        /** Signs in to the site's own account at {@code site}. */
        void signIn(String site, String member, String password) {
            driver.get(site + "/");
            type("member", member);
            type("password", password);
            click("sign-in");
            until.until(ExpectedConditions.presenceOfElementLocated(By.id("member-id")));
        }

        /** Logs in to LINE on the emulator's login page. */
        void logInToLine(String email, String password) {
            type("email", email);
            type("password", password);
            click("login");
        }

        @Override
        public void close() {
            driver.quit();
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        app.close();
        emulator.close();
    }
}
