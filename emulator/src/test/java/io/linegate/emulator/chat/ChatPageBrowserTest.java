package io.linegate.emulator.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.core.Json;
import io.linegate.emulator.Emulator;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The chat page in headless Chromium against a real emulator and a bot that speaks the wire: what a
 * user does on the page reaches the bot as LINE sends it, and what the bot sends is drawn, live.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
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
    void stop(TestInfo test) throws Exception {
        if (browser != null) {
            // What the page looked like at the end, for whoever reads a failure (target/ only).
            Path shots = Path.of("target", "chat-screenshots");
            Files.createDirectories(shots);
            Files.write(shots.resolve(test.getTestMethod().get().getName() + ".png"),
                    browser.getScreenshotAs(OutputType.BYTES));
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

    @Test
    void aStickerALocationAnImageAndADateReachTheBotAndItsRepliesShow() throws Exception {
        follow();
        open(browser, user);
        click("sticker-button");
        browser.findElement(By.cssSelector("#sticker-palette button[data-sticker='446/1990']")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.xpath("//div[@data-side='bot']//div[@class='sticker-id'][text()='446/1989']")));
        assertThat(bot.events("message").get(0).path("message").path("stickerId").asText()).isEqualTo("1990");

        click("location-button");
        WebElement title = browser.findElement(By.id("loc-title"));
        title.clear();
        title.sendKeys("Shibuya");
        click("loc-send");
        awaitBotText("location: Shibuya");
        JsonNode location = bot.events("message").get(1).path("message");
        assertThat(location.path("latitude").asDouble()).isEqualTo(35.6586);
        assertThat(location.path("address").asText()).startsWith("4 Chome");

        Path png = dir.resolve("dot.png");
        BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(image, "png", png.toFile());
        browser.findElement(By.id("attach")).sendKeys(png.toAbsolutePath().toString());
        // The bot fetched it from the content endpoint with its token; the page shows it from the emulator.
        awaitBotText("image of " + Files.size(png) + " bytes");
        WebElement shown = browser.findElement(By.cssSelector(".item[data-side='user'] .media img"));
        wait.until(d -> ((Number) browser.executeScript("return arguments[0].naturalWidth", shown)).intValue() == 40);

        send("buttons");
        wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//button[text()='When?']"))).click();
        WebElement date = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("dt-input")));
        assertThat(date.getAttribute("type")).isEqualTo("date");
        assertThat(date.getAttribute("value")).isEqualTo("2025-01-15");
        assertThat(date.getAttribute("min")).isEqualTo("2025-01-01");
        browser.executeScript("arguments[0].value = '2025-03-03'", date);
        click("dt-send");
        awaitBotText("postback: action=when {\"date\":\"2025-03-03\"}");
    }

    @Test
    void theUsersRichMenuIsDrawnAndItsAreasAreTappable() throws Exception {
        follow();
        String menu = Json.mapper().readTree(bot.call("POST", "/v2/bot/richmenu", """
                {"size":{"width":2500,"height":843},"selected":true,"name":"main","chatBarText":"Tap here",
                 "areas":[{"bounds":{"x":0,"y":0,"width":1250,"height":843},"action":{"type":"postback","label":"Left","data":"menu=left"}},
                          {"bounds":{"x":1250,"y":0,"width":1250,"height":843},"action":{"type":"message","label":"Right","text":"right side"}}]}
                """)).path("richMenuId").asText();
        bot.call("POST", "/v2/bot/user/" + user + "/richmenu/" + menu, "");
        open(browser, user);
        assertThat(text("richmenu-toggle")).startsWith("Tap here");
        List<WebElement> areas = browser.findElements(By.cssSelector("#richmenu .rm-area"));
        assertThat(areas).extracting(WebElement::getText).containsExactly("Left", "Right");
        // Each area covers its share of the menu.
        double[] whole = rect(browser.findElement(By.id("richmenu")));
        assertThat(rect(areas.get(0))[2]).isCloseTo(whole[2] / 2, within(1.0));
        assertThat(whole[2] / whole[3]).isCloseTo(2500.0 / 843, within(0.05));
        areas.get(0).click();
        awaitBotText("postback: menu=left");
        browser.findElements(By.cssSelector("#richmenu .rm-area")).get(1).click();
        awaitBotText("echo: right side");
    }

    @Test
    void inAGroupMembersTalkMentionEachOtherJoinAndLeave() throws Exception {
        follow();
        String ken = control("POST", "/users", "{\"displayName\":\"Ken\"}").path("userId").asText();
        String mio = control("POST", "/users", "{\"displayName\":\"Mio\"}").path("userId").asText();
        open(browser, user);
        browser.findElement(By.cssSelector("#new-group summary")).click();
        browser.findElement(By.id("new-group-name")).sendKeys("Hiking");
        new Select(browser.findElement(By.id("new-group-members"))).selectByVisibleText("Ken");
        click("new-group-create");
        wait.until(ExpectedConditions.textToBe(By.id("chat-title"), "Hiking"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !bot.events("join").isEmpty());
        String group = bot.events("join").get(0).path("source").path("groupId").asText();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.xpath("//div[@class='system-text'][text()='The bot joined']")));

        click("mention-button");
        browser.findElement(By.cssSelector("#mention-menu button[data-user-id='" + ken + "']")).click();
        browser.findElement(By.id("text-input")).sendKeys("see you");
        click("send");
        awaitBotText("echo: @Ken see you");
        JsonNode said = bot.events("message").get(0);
        assertThat(said.path("source").path("groupId").asText()).isEqualTo(group);
        assertThat(said.path("source").path("userId").asText()).isEqualTo(user);
        JsonNode mentionee = said.path("message").path("mention").path("mentionees").get(0);
        assertThat(mentionee.path("index").asInt()).isZero();
        assertThat(mentionee.path("length").asInt()).isEqualTo(4);
        assertThat(mentionee.path("userId").asText()).isEqualTo(ken);

        // Ken speaks (through the control API, as another tab would): on the left, with his name.
        control("POST", "/groups/" + group + "/messages", "{\"userId\":\"" + ken + "\",\"type\":\"text\",\"text\":\"me too\"}");
        // (An item is drawn again when its delivery's outcome arrives, so it is looked up afresh.)
        wait.until(ExpectedConditions.textToBe(By.xpath("//div[contains(@class,'item')][contains(@class,'left')]"
                + "[.//div[text()='me too']]//*[contains(@class,'sender')]"), "Ken"));

        new Select(browser.findElement(By.id("add-member"))).selectByVisibleText("Mio");
        click("add-member-button");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.xpath("//div[@class='system-text'][text()='Mio joined']")));
        assertThat(bot.events("memberJoined")).singleElement()
                .satisfies(e -> assertThat(e.path("joined").path("members").get(0).path("userId").asText()).isEqualTo(mio));

        // Unsend: the bot hears of it, the page shows the message as unsent.
        send("oops");
        awaitBotText("echo: oops");
        By mine = By.xpath("//div[contains(@class,'right')][.//div[text()='oops']]");
        wait.until(d -> {
            try {
                WebElement m = d.findElement(mine);
                new Actions(d).moveToElement(m).perform();
                m.findElement(By.className("unsend")).click();
                return true;
            } catch (StaleElementReferenceException redrawn) {
                return false;
            }
        });
        wait.until(ExpectedConditions.presenceOfElementLocated(By.xpath("//div[@class='unsent-text']")));
        await().atMost(Duration.ofSeconds(10)).until(() -> !bot.events("unsend").isEmpty());

        click("leave-group");
        await().atMost(Duration.ofSeconds(10)).until(() -> !bot.events("memberLeft").isEmpty());
        assertThat(bot.events("memberLeft").get(0).path("left").path("members").get(0).path("userId").asText()).isEqualTo(user);
        wait.until(ExpectedConditions.textToBe(By.id("relation"), "friends")); // back in the one-to-one chat
    }

    @Test
    void aThousandMessagesRenderAndTheTimeIsReported() throws Exception {
        follow();
        for (int i = 0; i < 200; i++) {
            StringBuilder five = new StringBuilder("[");
            for (int j = 0; j < 5; j++) {
                int n = i * 5 + j;
                five.append(j == 0 ? "" : ",").append(n % 10 == 0
                        ? "{\"type\":\"flex\",\"altText\":\"f\",\"contents\":{\"type\":\"bubble\",\"body\":{\"type\":\"box\",\"layout\":\"horizontal\",\"contents\":[{\"type\":\"text\",\"text\":\"flex " + n + "\"},{\"type\":\"text\",\"text\":\"right\",\"align\":\"end\"}]}}}"
                        : "{\"type\":\"text\",\"text\":\"message " + n + "\"}");
            }
            bot.push(user, five.append("]").toString());
        }
        // 1,000 messages are the inbox's default bound: the greeting has gone, all the pushes remain.
        open(browser, user);
        wait.until(d -> d.findElements(By.cssSelector(".item[data-side='bot']")).size() == 1000);
        double ms = ((Number) browser.executeScript("return window.linegateChat.renderMs")).doubleValue();
        long rendered = ((Number) browser.executeScript("return window.linegateChat.rendered")).longValue();
        System.out.printf(Locale.ROOT, "chat page: %d items rendered in %.0f ms (headless Chromium)%n", rendered, ms);
        assertThat(rendered).isEqualTo(1001); // and the follow event
        assertThat(browser.findElements(By.xpath("//div[text()='message 999']"))).hasSize(1);
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
