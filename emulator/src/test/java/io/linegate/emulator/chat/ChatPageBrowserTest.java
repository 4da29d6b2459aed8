package io.linegate.emulator.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.core.Json;
import io.linegate.emulator.Emulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The chat page in headless Chromium against a real emulator and a bot that speaks the wire: what a
 * user does on the page reaches the bot as LINE sends it, and what the bot sends is drawn, live.
 */
class ChatPageBrowserTest {
    @TempDir
    Path dir;
    Emulator emulator;
    ChatTestBot bot;
    ChromeDriver browser;
    WebDriverWait wait;
    String user;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        browser = Chromium.start(dir.resolve("chromium"));
        wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        emulator = Emulator.builder().port(0).start();
        bot = new ChatTestBot(emulator);
        user = control("POST", "/users", "{\"displayName\":\"Hanako\"}").path("userId").asText();
    }

    @AfterEach
    void stop(org.junit.jupiter.api.TestInfo test) throws Exception {
        if (browser != null) {
            // What the page looked like at the end, for whoever reads a failure (target/ only).
            Path shots = Path.of("target", "chat-screenshots");
            Files.createDirectories(shots);
            Files.write(shots.resolve(test.getTestMethod().get().getName() + ".png"),
                    browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
            browser.quit();
        }
        if (bot != null) {
            bot.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void aUserFollowsTapsAPostbackButtonAndAQuickReplyAndTheBotGetsWhatLineWouldSend() throws Exception {
        open(browser, user);
        click("follow");
        awaitBotText("Welcome! Send buttons, flex or quick.");
        assertThat(bot.events("follow")).singleElement()
                .satisfies(e -> assertThat(e.path("source").path("userId").asText()).isEqualTo(user));
        assertThat(text("relation")).isEqualTo("friends");

        send("buttons");
        WebElement buy = wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//button[text()='Buy']")));
        buy.click();
        awaitBotText("postback: action=buy");
        // displayText is shown in the user's chat, but only the postback reaches the bot.
        assertThat(userBubbles()).contains("I'll buy it");
        JsonNode postback = bot.events("postback").get(0);
        assertThat(postback.path("postback").path("data").asText()).isEqualTo("action=buy");
        assertThat(bot.events("message")).noneMatch(e -> e.path("message").path("text").asText().equals("I'll buy it"));

        // A message action sends its text as the user's message.
        browser.findElement(By.xpath("//button[text()='Say hi']")).click();
        awaitBotText("echo: hi there");

        send("quick");
        WebElement yes = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#quick-replies button.quick-reply")));
        assertThat(browser.findElements(By.cssSelector("#quick-replies button.quick-reply"))).extracting(WebElement::getText)
                .containsExactly("Yes", "No");
        yes.click();
        awaitBotText("echo: yes please");
        // The bar goes once the conversation moves on, as in LINE.
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("quick-replies")));
        assertThat(bot.badSignatures).isEmpty();
    }

    @Test
    void aFlexBubbleIsLaidOutByLinesRulesAndItsButtonSendsThePostback() throws Exception {
        follow();
        open(browser, user);
        send("flex");
        WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector(".flex-bubble .flex-body .flex-box[data-layout='horizontal']")));
        List<WebElement> cells = row.findElements(By.xpath("./*"));
        assertThat(cells).hasSize(2);
        double[] a = rect(cells.get(0));
        double[] b = rect(cells.get(1));
        // flex 1 and flex 2: widths 1:2 within a pixel, "md" spacing (8 px) between them, together the row's width.
        assertThat(b[2]).isCloseTo(2 * a[2], within(1.0));
        assertThat(b[0] - (a[0] + a[2])).isCloseTo(8.0, within(0.5));
        assertThat(a[2] + 8 + b[2]).isCloseTo(rect(row)[2], within(1.0));
        // The mega bubble is 300 px wide; the body's box has the block's 20 px padding, "lg" margin is 12 px.
        assertThat(rect(browser.findElement(By.cssSelector(".flex-bubble")))[2]).isCloseTo(300.0, within(0.5));
        assertThat(rect(row)[2]).isCloseTo(260.0, within(0.5));

        browser.findElement(By.cssSelector(".flex-bubble .flex-button-primary")).click();
        awaitBotText("postback: action=order");
    }

    @Test
    void aFailedWebhookDeliveryShowsInRedBesideTheMessage() throws Exception {
        follow();
        open(browser, user);
        browser.findElement(By.id("dev-view")).click();
        send("hello");
        awaitBotText("echo: hello");
        WebElement ok = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.xpath("//div[@data-side='user'][.//div[text()='hello']]//span[@data-delivery='ok']")));
        assertThat(ok.getText()).startsWith("webhook 200");

        send("fail");
        WebElement failed = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.xpath("//div[@data-side='user'][.//div[text()='fail']]//span[@data-delivery='failed']")));
        assertThat(failed.getText()).contains("webhook failed: 500").contains("ERROR_STATUS_CODE");
        assertThat(failed.getCssValue("background-color")).isEqualTo("rgba(217, 54, 62, 1)");
        // And beside the bot's message, the API call that sent it.
        WebElement meta = browser.findElement(By.xpath("//div[@data-side='bot'][.//div[text()='echo: hello']]//span[@class='meta']"));
        assertThat(meta.getText()).startsWith("reply · request ");
    }

    @Test
    void twoTabsOnTheSameUserStayInSync() throws Exception {
        follow();
        open(browser, user);
        ChromeDriver second = Chromium.start(dir.resolve("chromium-2"));
        try {
            open(second, user);
            send("from the first tab");
            WebDriverWait wait2 = new WebDriverWait(second, Duration.ofSeconds(15));
            wait2.until(ExpectedConditions.presenceOfElementLocated(By.xpath("//div[@data-side='user']//div[text()='from the first tab']")));
            wait2.until(ExpectedConditions.presenceOfElementLocated(By.xpath("//div[@data-side='bot']//div[text()='echo: from the first tab']")));
            // And the other way round, including what the bot pushes on its own.
            second.findElement(By.id("text-input")).sendKeys("from the second tab");
            second.findElement(By.id("send")).click();
            awaitBotText("echo: from the second tab");
            bot.push(user, "[{\"type\":\"text\",\"text\":\"a push\"}]");
            awaitBotText("a push");
            wait2.until(ExpectedConditions.presenceOfElementLocated(By.xpath("//div[@data-side='bot']//div[text()='a push']")));
        } finally {
            second.quit();
        }
    }

    @Test
    void everyKindOfMessageABotSendsIsDrawnAndWhatCannotBeDrawnShowsItsJson() throws Exception {
        follow();
        bot.push(user, """
                [{"type":"text","text":"Hello $ friend","emojis":[{"index":6,"productId":"5ac1bfd5040ab15980c9b435","emojiId":"001"}],
                  "sender":{"name":"Cony","iconUrl":"https://example.com/cony.png"}},
                 {"type":"textV2","text":"Hi {who}, a {{literal}} and {e}","substitution":{
                   "who":{"type":"mention","mentionee":{"type":"user","userId":"%s"}},
                   "e":{"type":"emoji","productId":"5ac1bfd5040ab15980c9b435","emojiId":"002"}}},
                 {"type":"sticker","packageId":"11537","stickerId":"52002734"},
                 {"type":"location","title":"Tokyo Tower","address":"Minato","latitude":35.6586,"longitude":139.7454},
                 {"type":"image","originalContentUrl":"https://example.com/a.jpg","previewImageUrl":"https://example.com/a-small.jpg"}]
                """.formatted(user));
        bot.push(user, """
                [{"type":"imagemap","baseUrl":"https://example.com/map","altText":"map","baseSize":{"width":1040,"height":520},
                  "actions":[{"type":"message","label":"left","text":"left half","area":{"x":0,"y":0,"width":520,"height":520}},
                             {"type":"uri","label":"right","linkUri":"https://example.com/","area":{"x":520,"y":0,"width":520,"height":520}}]},
                 {"type":"template","altText":"confirm","template":{"type":"confirm","text":"Sure?","actions":[
                   {"type":"message","label":"Yes","text":"yes"},{"type":"message","label":"No","text":"no"}]}},
                 {"type":"template","altText":"carousel","template":{"type":"carousel","columns":[
                   {"thumbnailImageUrl":"https://example.com/1.jpg","title":"One","text":"first","actions":[{"type":"message","label":"Take one","text":"one"}]},
                   {"thumbnailImageUrl":"https://example.com/2.jpg","title":"Two","text":"second","actions":[{"type":"message","label":"Take two","text":"two"}]}]}},
                 {"type":"template","altText":"images","template":{"type":"image_carousel","columns":[
                   {"imageUrl":"https://example.com/i.jpg","action":{"type":"message","label":"Pick","text":"picked"}}]}},
                 {"type":"coupon","couponId":"COUPON-42"}]
                """);
        open(browser, user);
        // The greeting and the ten messages.
        wait.until(d -> d.findElements(By.cssSelector(".item[data-side='bot']")).size() == 11);
        assertThat(browser.findElements(By.cssSelector(".item[data-side='bot'] .sender")).get(1).getText()).isEqualTo("Cony");
        assertThat(browser.findElements(By.cssSelector(".line-emoji"))).hasSize(2);
        assertThat(browser.findElement(By.cssSelector(".mention")).getText()).isEqualTo("@Hanako");
        assertThat(browser.findElement(By.xpath("//div[contains(@class,'text')][contains(., 'a {literal} and')]"))).isNotNull();
        assertThat(browser.findElement(By.cssSelector(".sticker-id")).getText()).isEqualTo("11537/52002734");
        assertThat(browser.findElement(By.cssSelector(".location-title")).getText()).isEqualTo("Tokyo Tower");
        // No internet here: media that cannot load show what they are, with their URL.
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".missing-url"), "https://example.com/a-small.jpg"));
        assertThat(browser.findElements(By.cssSelector(".imagemap-area"))).extracting(WebElement::getText).containsExactly("left", "right");
        assertThat(browser.findElements(By.cssSelector(".template-carousel .template-card"))).hasSize(2);
        assertThat(browser.findElements(By.cssSelector(".image-carousel-card"))).hasSize(1);
        // The coupon is not drawn: its JSON is, never a blank.
        assertThat(browser.findElements(By.cssSelector(".unrendered"))).singleElement()
                .satisfies(e -> assertThat(e.getText()).contains("COUPON-42"));
        browser.findElement(By.cssSelector(".imagemap-area")).click();
        awaitBotText("echo: left half");
    }

    @Test
    void aBotsTextIsShownAsTextNeverRunAsMarkup() throws Exception {
        follow();
        open(browser, user);
        send("evil");
        awaitBotText("<img src=x onerror=\"document.title='pwned'\"><b>bold?</b>");
        assertThat(browser.findElements(By.cssSelector(".item[data-side='bot'] img"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector(".item[data-side='bot'] b"))).isEmpty();
        assertThat(browser.getTitle()).isNotEqualTo("pwned");
    }

    // ---- helpers ---------------------------------------------------------------------------------

    void open(WebDriver b, String userId) {
        b.get(emulator.baseUrl() + "/?user=" + userId);
        new WebDriverWait(b, Duration.ofSeconds(15)).until(d -> Boolean.TRUE.equals(
                ((JavascriptExecutor) d).executeScript("return window.linegateChat && window.linegateChat.streamOpen")));
    }

    void follow() throws Exception {
        control("POST", "/users/" + user + "/follow", "{}");
        await().atMost(Duration.ofSeconds(10)).until(() -> !bot.events("follow").isEmpty());
    }

    void click(String id) {
        wait.until(ExpectedConditions.elementToBeClickable(By.id(id))).click();
    }

    void send(String text) {
        WebElement input = browser.findElement(By.id("text-input"));
        input.sendKeys(text);
        browser.findElement(By.id("send")).click();
    }

    void awaitBotText(String text) {
        wait.until(ExpectedConditions.presenceOfElementLocated(
                By.xpath("//div[@data-side='bot']//div[contains(@class,'text')][text()=" + xpathLiteral(text) + "]")));
    }

    List<String> userBubbles() {
        List<String> out = new ArrayList<>();
        for (WebElement e : browser.findElements(By.cssSelector(".item[data-side='user'] .bubble"))) {
            out.add(e.getText());
        }
        return out;
    }

    String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    /** x, y, width, height in CSS pixels, fractional. */
    double[] rect(WebElement e) {
        @SuppressWarnings("unchecked")
        List<Number> r = (List<Number>) browser.executeScript(
                "const r = arguments[0].getBoundingClientRect(); return [r.x, r.y, r.width, r.height];", e);
        return new double[] {r.get(0).doubleValue(), r.get(1).doubleValue(), r.get(2).doubleValue(), r.get(3).doubleValue()};
    }

    static String xpathLiteral(String s) {
        if (!s.contains("'")) {
            return "'" + s + "'";
        }
        if (!s.contains("\"")) {
            return "\"" + s + "\"";
        }
        return "concat('" + s.replace("'", "', \"'\", '") + "')";
    }

    JsonNode control(String method, String path, String body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/control/v1" + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> res = http.send(r, HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(method + " " + path + ": " + res.body()).isBetween(200, 299);
        return res.body().isBlank() ? Json.mapper().createObjectNode() : Json.mapper().readTree(res.body());
    }
}
