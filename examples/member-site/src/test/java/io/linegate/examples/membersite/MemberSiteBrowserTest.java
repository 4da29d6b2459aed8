package io.linegate.examples.membersite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.core.Json;
import io.linegate.core.Secret;
import io.linegate.emulator.ChannelInfo;
import io.linegate.emulator.Emulator;
import io.linegate.emulator.LoginChannelInfo;
import io.linegate.store.LinkStore.Link;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The member site end to end in headless Chromium (Debian's chromium and chromium-driver, which
 * {@code .ci/run} installs), against the emulator's LINE Login and consent pages: sign in, link the
 * LINE account at LINE Login with the add-friend option, unlink, link again from the bot's "link my
 * account" message through the account-link dialog, and open the LIFF page.
 */
class MemberSiteBrowserTest {
    static final String CHROMIUM = System.getProperty("chromium.binary", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("chromedriver.binary", "/usr/bin/chromedriver");
    static final String EMAIL = "taro@example.com";
    static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path dir;
    Emulator emulator;
    MemberSiteApp app;
    WebDriver browser;
    WebDriverWait wait;
    String site;
    String lineUser;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        int sitePort = freePort();
        int botPort = freePort();
        // localhost, not 127.0.0.1: the site's login cookie is Secure, which browsers honour over plain http on localhost only.
        site = "http://localhost:" + sitePort;
        emulator = Emulator.builder().port(0).webhookUrl("http://127.0.0.1:" + botPort + "/webhook")
                .loginCallbackUrl(site + "/callback").liffEndpointUrl(site + "/liff").providerCertified(true)
                .start();
        ChannelInfo bot = emulator.defaultChannel();
        LoginChannelInfo loginChannel = emulator.defaultLoginChannel();
        app = MemberSiteApp.start(new MemberSiteApp.Settings(dir, URI.create(emulator.baseUrl()),
                Secret.of(bot.channelSecret(), "bot secret"), Secret.of(bot.accessToken(), "bot token"),
                loginChannel.channelId(), Secret.of(loginChannel.channelSecret(), "login secret"), loginChannel.liffId(),
                URI.create(site), sitePort, botPort, Map.of("alice", Secret.of("alice-password", "password"))));

        lineUser = control("POST", "/users", "{\"displayName\":\"Taro\"}").path("userId").asText();
        control("PUT", "/login/users/" + lineUser + "/credentials",
                "{\"email\":\"" + EMAIL + "\",\"password\":\"" + PASSWORD + "\"}");

        assertThat(new File(CHROMIUM).canExecute()).as("Debian's chromium at " + CHROMIUM + " (apt-get install chromium)").isTrue();
        assertThat(new File(CHROMEDRIVER).canExecute()).as("Debian's chromium-driver at " + CHROMEDRIVER + " (apt-get install chromium-driver)").isTrue();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM)
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium")));
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort().build(), options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (app != null) {
            app.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void signInLinkAtLineLoginWithAddFriendUnlinkThenLinkFromTheBotAndOpenTheLiffApp() throws Exception {
        // The member signs in on the site with the site's own account.
        browser.get(site + "/");
        browser.findElement(By.id("member")).sendKeys("alice");
        browser.findElement(By.id("password")).sendKeys("alice-password");
        browser.findElement(By.id("sign-in")).click();
        assertThat(text("link-status")).contains("No LINE account is linked");

        // Link at LINE Login: the emulator's login page, then its consent page with the add-friend
        // option, pre-checked because the provider is certified (bot_prompt=normal).
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("link-line"))).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("email"))).sendKeys(EMAIL);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.id("login")).click();
        WebElement addFriend = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("add-friend")));
        assertThat(addFriend.isSelected()).as("add-friend pre-checked under a certified provider").isTrue();
        assertThat(browser.getPageSource()).contains("profile").contains("openid");
        browser.findElement(By.id("allow")).click();

        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("line-user")));
        assertThat(browser.getCurrentUrl()).startsWith(site + "/");
        assertThat(text("line-user")).isEqualTo(lineUser);
        assertThat(text("notice")).contains("Your LINE account is linked").contains("added our official account as a friend");
        assertThat(text("link-status")).contains("via line-login");
        assertThat(browser.getPageSource()).contains("unlink it at any time");
        assertThat(link()).map(Link::memberId).contains("alice");
        // Adding the friend made the user follow the bot, which greeted them.
        await().atMost(Duration.ofSeconds(10)).until(() -> inbox(lineUser).contains("Thanks for adding me"));

        // Unlink on the site.
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("unlink-button"))).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("link-status"), "No LINE account is linked"));
        assertThat(link()).isEmpty();

        // Link from the bot (flow a): "link my account" -> the site with a link token -> LINE's dialog.
        control("POST", "/users/" + lineUser + "/messages", "{\"type\":\"text\",\"text\":\"link my account\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> inbox(lineUser).contains("/link?linkToken="));
        Matcher m = Pattern.compile("(http://localhost:\\d+/link\\?linkToken=[A-Za-z0-9%_.\\-]+)").matcher(inbox(lineUser));
        assertThat(m.find()).isTrue();
        browser.get(m.group(1));
        // Already logged in to LINE in this browser (the emulator's session): straight to the dialog.
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("link"))).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> link().isPresent());
        assertThat(link().get().memberId()).isEqualTo("alice");
        assertThat(link().get().via()).isEqualTo("account-link");
        await().atMost(Duration.ofSeconds(10)).until(() -> inbox(lineUser).contains("Your account is linked"));
        browser.get(site + "/");
        assertThat(text("line-user")).isEqualTo(lineUser);

        // The LIFF app: opened through LINE, it sends only its ID token; the server says who it is.
        LoginChannelInfo loginChannel = emulator.defaultLoginChannel();
        browser.get(emulator.baseUrl() + "/liff/" + loginChannel.liffId());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("liff-user"), "Verified LINE user"));
        assertThat(text("liff-user")).contains(lineUser).contains("member alice");
        assertThat(browser.getCurrentUrl()).doesNotContain("token"); // the SDK took the tokens out of the address bar
    }

    @Test
    void declinedConsentIsShownToTheMemberAndLinksNothing() {
        browser.get(site + "/");
        browser.findElement(By.id("member")).sendKeys("alice");
        browser.findElement(By.id("password")).sendKeys("alice-password");
        browser.findElement(By.id("sign-in")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("link-line"))).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("email"))).sendKeys(EMAIL);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.id("login")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("deny"))).click();
        WebElement error = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("login-error")));
        assertThat(error.getAttribute("data-error")).isEqualTo("ACCESS_DENIED");
        assertThat(error.getText()).contains("did not allow access");
        assertThat(link()).isEmpty();
    }

    /** The text of element {@code id}, once the page that has it has loaded. */
    private String text(String id) {
        return wait.until(ExpectedConditions.presenceOfElementLocated(By.id(id))).getText();
    }

    private Optional<Link> link() {
        return app.store().links().linkOfUser(lineUser);
    }

    private String inbox(String userId) throws Exception {
        return control("GET", "/users/" + userId + "/inbox", null).toString();
    }

    private JsonNode control(String method, String path, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/control/v1" + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> res = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(method + " " + path + ": " + res.body()).isBetween(200, 299);
        return res.body().isBlank() ? Json.mapper().createObjectNode() : Json.mapper().readTree(res.body());
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
