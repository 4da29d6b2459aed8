package io.linegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.linegate.core.Secret;
import io.linegate.emulator.ChannelInfo;
import io.linegate.emulator.Emulator;
import io.linegate.emulator.LoginChannelInfo;
import io.linegate.emulator.chat.Chromium;
import io.linegate.examples.membersite.MemberSiteApp;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo as a newcomer meets it in a browser: the emulator, the echo bot and the member site wired
 * as {@code linegate demo} wires them, and a user on the emulator's chat page who adds the bot, is
 * greeted, and sends text, a sticker and a location. The screenshot of that conversation is saved
 * to {@code target/chat-screenshots/demo.png} (the emulator's README shows a copy).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DemoChatPageTest {
    @TempDir
    Path dir;

    @Test
    void aUserFollowsTheEchoBotIsGreetedAndSeesTheRepliesToTextAStickerAndALocation() throws Exception {
        ChromeDriver browser = Chromium.start(dir.resolve("chromium"));
        int sitePort = freePort();
        String site = "http://localhost:" + sitePort;
        try (Emulator emulator = Emulator.builder().port(0).loginCallbackUrl(site + "/callback").liffEndpointUrl(site + "/liff").start()) {
            ChannelInfo channel = emulator.defaultChannel();
            LoginChannelInfo login = emulator.defaultLoginChannel();
            try (MemberSiteApp app = MemberSiteApp.start(new MemberSiteApp.Settings(dir.resolve("data"), URI.create(emulator.baseUrl()),
                    Secret.of(channel.channelSecret(), "channel secret"), Secret.of(channel.accessToken(), "token"),
                    login.channelId(), Secret.of(login.channelSecret(), "login secret"), login.liffId(), URI.create(site),
                    sitePort, 0, Map.of("alice", Secret.of("alice-demo", "password"))))) {
                HttpClient http = HttpClient.newHttpClient();
                http.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/v2/bot/channel/webhook/endpoint"))
                        .header("Authorization", "Bearer " + channel.accessToken()).header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"endpoint\":\"" + app.webhookUrl() + "\"}")).build(),
                        HttpResponse.BodyHandlers.discarding());
                String alice = http.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/control/v1/users"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"displayName\":\"Alice\"}")).build(),
                        HttpResponse.BodyHandlers.ofString()).body().replaceAll(".*\"userId\":\"(U[0-9a-f]{32})\".*", "$1");

                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
                browser.manage().window().setSize(new Dimension(1280, 1000)); // the whole conversation in the screenshot
                browser.get(emulator.baseUrl() + "/?user=" + alice);
                wait.until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript("return window.linegateChat.streamOpen")));
                browser.findElement(By.id("dev-view")).click();

                browser.findElement(By.id("follow")).click();
                botSays(wait, "Thanks for adding me! Send me a message and I will send it back.");

                browser.findElement(By.id("text-input")).sendKeys("Hello, linegate!");
                browser.findElement(By.id("send")).click();
                botSays(wait, "Hello, linegate!");

                browser.findElement(By.id("sticker-button")).click();
                browser.findElement(By.cssSelector("#sticker-palette button[data-sticker='11537/52002734']")).click();
                wait.until(ExpectedConditions.presenceOfElementLocated(
                        By.xpath("//div[@data-side='bot']//div[@class='sticker-id'][text()='446/1988']")));

                browser.findElement(By.id("location-button")).click();
                wait.until(ExpectedConditions.elementToBeClickable(By.id("loc-send"))).click();
                WebElement place = wait.until(ExpectedConditions.presenceOfElementLocated(
                        By.xpath("//div[@data-side='bot']//div[@class='location-title']")));
                assertThat(place.getText()).isEqualTo("Tokyo Tower");

                // Every webhook of the conversation was delivered, and the bot answered each by reply.
                wait.until(d -> d.findElements(By.cssSelector(".meta[data-delivery='ok']")).size() == 4);
                assertThat(browser.findElements(By.cssSelector(".meta[data-delivery='failed']"))).isEmpty();
                assertThat(browser.findElements(By.cssSelector(".item[data-side='bot'] .meta")))
                        .extracting(WebElement::getText).allMatch(t -> t.startsWith("reply · request "));

                Path shots = Path.of("target", "chat-screenshots");
                Files.createDirectories(shots);
                Files.write(shots.resolve("demo.png"), browser.getScreenshotAs(OutputType.BYTES));
            }
        } finally {
            browser.quit();
        }
    }

    private static void botSays(WebDriverWait wait, String text) {
        wait.until(ExpectedConditions.presenceOfElementLocated(
                By.xpath("//div[@data-side='bot']//div[contains(@class,'text')][text()='" + text + "']")));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
