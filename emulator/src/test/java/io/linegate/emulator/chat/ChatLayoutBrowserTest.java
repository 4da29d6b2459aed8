package io.linegate.emulator.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.core.Json;
import io.linegate.emulator.Emulator;
import io.linegate.emulator.MutableClock;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The chat page looks and behaves like LINE's chat at a desktop's 1200x900 and a phone's 390x844, in
 * headless Chromium against a real emulator and bot: the quick-reply bar whole, the transcript at its
 * latest message and following new ones (also after a resize), date separators, the bot's avatar,
 * "Read" marks, carousels of equal height, a video without a preview shown by its URL. It also takes
 * the README's screenshots, at both sizes, into the module's {@code docs/}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ChatLayoutBrowserTest {
    static final int DESKTOP_W = 1200;
    static final int DESKTOP_H = 900;
    static final int PHONE_W = 390;
    static final int PHONE_H = 844;
    static final String QUICK_REPLY = """
            {"type":"text","text":"Which one?","quickReply":{"items":[
              {"type":"action","action":{"type":"message","label":"The first one","text":"first"}},
              {"type":"action","action":{"type":"message","label":"The second one","text":"second"}},
              {"type":"action","action":{"type":"postback","label":"Neither of them","data":"neither"}},
              {"type":"action","action":{"type":"message","label":"Show me more","text":"more"}},
              {"type":"action","action":{"type":"location","label":"Send my location"}}]}}""";

    @TempDir
    Path dir;
    Emulator emulator;
    ChatTestBot bot;
    ChromeDriver browser;
    WebDriverWait wait;
    String user;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void startBrowser() throws Exception {
        browser = Chromium.start(dir.resolve("chromium"));
        wait = new WebDriverWait(browser, Duration.ofSeconds(15));
    }

    /** The emulator (on {@code clock}, or the real one if null), the test bot, and the user Hanako. */
    void startEmulator(MutableClock clock) throws Exception {
        Emulator.Builder b = Emulator.builder().port(0).rateLimits(false);
        if (clock != null) {
            b.clock(clock);
        }
        emulator = b.start();
        bot = new ChatTestBot(emulator);
        user = control("POST", "/users", "{\"displayName\":\"Hanako\"}").path("userId").asText();
    }

    @AfterEach
    void stop(TestInfo test) throws Exception {
        if (browser != null) {
            Path shots = Path.of("target", "chat-screenshots");
            Files.createDirectories(shots);
            Files.write(shots.resolve(test.getTestMethod().get().getName() + ".png"), browser.getScreenshotAs(OutputType.BYTES));
            browser.quit();
        }
        if (bot != null) {
            bot.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"1200, 900", "390, 844"})
    void theChatOpensAtItsLatestMessageWithTheQuickReplyBarWhole(int width, int height) throws Exception {
        startEmulator(null);
        follow();
        linkRichMenu();
        pushTexts(30);
        bot.push(user, "[" + QUICK_REPLY + "]");
        viewport(width, height);
        open();
        wait.until(d -> d.findElements(By.cssSelector("#quick-replies .quick-reply")).size() == 5);
        assertQuickReplyBarWhole();
        assertLastMessageInView();
        // Nothing wider than the screen: no sideways scrolling of the page at a phone's width.
        assertThat(((Number) browser.executeScript("return document.documentElement.scrollWidth")).intValue())
                .isLessThanOrEqualTo(width);
        if (width < 640) {
            // On a phone the chat takes the screen; the user list is a panel the "Users" button opens.
            assertThat(browser.findElement(By.id("sidebar")).isDisplayed()).isFalse();
            browser.findElement(By.id("sidebar-toggle")).click();
            assertThat(browser.findElement(By.id("sidebar")).isDisplayed()).isTrue();
        } else {
            assertThat(browser.findElement(By.id("sidebar-toggle")).isDisplayed()).isFalse();
        }
    }

    @Test
    void newMessagesAreFollowedWhileTheViewIsAtTheEndAlsoAfterAResize() throws Exception {
        startEmulator(null);
        follow();
        pushTexts(30);
        viewport(DESKTOP_W, DESKTOP_H);
        open();
        assertLastMessageInView();

        bot.push(user, "[{\"type\":\"text\",\"text\":\"a new one\"}]");
        awaitBotText("a new one");
        awaitLastMessageInView();

        // A resize (to a phone's size and back) keeps the end in view, as does the quick-reply bar appearing.
        viewport(PHONE_W, PHONE_H);
        awaitLastMessageInView();
        bot.push(user, "[" + QUICK_REPLY + "]");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("quick-replies")));
        awaitLastMessageInView();
        viewport(DESKTOP_W, DESKTOP_H);
        awaitLastMessageInView();
        assertQuickReplyBarWhole();

        // Once the user scrolls up, new messages do not pull the view away; a button says one is below.
        browser.executeScript("document.getElementById('messages').scrollTop = 0");
        browser.executeScript("document.getElementById('messages').dispatchEvent(new Event('scroll'))");
        bot.push(user, "[{\"type\":\"text\",\"text\":\"while reading back\"}]");
        awaitBotText("while reading back");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-below")));
        assertThat(((Number) browser.executeScript("return document.getElementById('messages').scrollTop")).doubleValue())
                .isLessThan(5.0);
        browser.findElement(By.id("new-below")).click();
        awaitLastMessageInView();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("new-below")));
    }

    @Test
    void messagesOfDifferentDaysAreSeparatedByTheirDate() throws Exception {
        // Yesterday and today, on the emulator's clock; the page names the days as LINE does.
        MutableClock clock = new MutableClock(Instant.now().minus(Duration.ofDays(1)));
        startEmulator(clock);
        follow();
        bot.push(user, "[{\"type\":\"text\",\"text\":\"yesterday's\"}]");
        clock.advance(Duration.ofDays(1));
        bot.push(user, "[{\"type\":\"text\",\"text\":\"today's first\"},{\"type\":\"text\",\"text\":\"today's second\"}]");
        viewport(DESKTOP_W, DESKTOP_H);
        open();
        awaitBotText("today's second");
        List<WebElement> days = browser.findElements(By.cssSelector("#messages .date-separator"));
        assertThat(days).extracting(WebElement::getText).containsExactly("Yesterday", "Today");
        // Each stands right before the first item of its day.
        WebElement firstToday = browser.findElement(By.xpath("//div[@data-side='bot'][.//div[text()=\"today's first\"]]"));
        assertThat(days.get(1).findElement(By.xpath("following-sibling::div[1]"))).isEqualTo(firstToday);
        assertThat(rect(days.get(1))[1]).isLessThan(rect(firstToday)[1]);

        // A message of a new day arriving live gets its separator, with the date (and the year if not this one).
        clock.advance(Duration.ofDays(400));
        bot.push(user, "[{\"type\":\"text\",\"text\":\"much later\"}]");
        awaitBotText("much later");
        wait.until(d -> d.findElements(By.cssSelector("#messages .date-separator")).size() == 3);
        WebElement later = browser.findElements(By.cssSelector("#messages .date-separator")).get(2);
        assertThat(later.getText()).contains(String.valueOf(clock.instant().atZone(browserZone()).getYear()));
        assertThat(later.getText()).isNotIn("Today", "Yesterday");
    }

    @Test
    void theBotsAvatarStandsBesideTheFirstMessageOfEachRun() throws Exception {
        startEmulator(null);
        follow();
        bot.push(user, """
                [{"type":"text","text":"more of the run"},{"type":"text","text":"and more"},
                 {"type":"text","text":"from Cony","sender":{"name":"Cony","iconUrl":"https://example.com/cony.png"}}]""");
        viewport(DESKTOP_W, DESKTOP_H);
        open();
        awaitBotText("from Cony");
        String botName = text(browser.findElement(By.id("bot-name")));
        // The greeting starts the bot's run (after the follow, a line in the middle).
        WebElement first = botItem("Welcome! Send buttons, flex or quick.");
        WebElement avatar = first.findElement(By.cssSelector(".avatar"));
        assertThat(avatar.isDisplayed()).isTrue();
        assertThat(avatar.getText()).isEqualTo(botName.substring(0, 1).toUpperCase());
        // Round, to the left of the bubble, at the top of the run with the name beside it.
        double[] a = rect(avatar);
        double[] bubble = rect(first.findElement(By.cssSelector(".bubble")));
        assertThat(a[2]).isCloseTo(36.0, within(0.5));
        assertThat(a[3]).isCloseTo(36.0, within(0.5));
        assertThat(avatar.getCssValue("border-radius")).isEqualTo("50%");
        assertThat(a[0] + a[2]).isLessThanOrEqualTo(bubble[0]);
        assertThat(first.findElement(By.cssSelector(".sender")).getText()).isEqualTo(botName);
        // The next message of the run has neither avatar nor name; another sender starts a run with theirs.
        for (String more : List.of("more of the run", "and more")) {
            WebElement next = botItem(more);
            assertThat(next.findElement(By.cssSelector(".avatar")).isDisplayed()).isFalse();
            assertThat(next.findElement(By.cssSelector(".sender")).isDisplayed()).isFalse();
        }
        WebElement cony = botItem("from Cony");
        // (No internet here: the icon cannot load, so Cony's initial stands for it.)
        wait.until(d -> "C".equals(cony.findElement(By.cssSelector(".avatar")).getText()));
        assertThat(cony.findElement(By.cssSelector(".sender")).getText()).isEqualTo("Cony");
    }

    @Test
    void withChatOffAUsersMessageShowsReadAtOnce() throws Exception {
        startEmulator(null);
        follow();
        viewport(DESKTOP_W, DESKTOP_H);
        open();
        send("hello");
        awaitBotText("echo: hello");
        wait.until(d -> readShown("hello"));
    }

    @Test
    void withChatOnAUsersMessagesShowReadOnlyOnceTheBotMarksThemAsRead() throws Exception {
        startEmulator(null);
        follow();
        control("PUT", "/channels/" + emulator.defaultChannel().channelId() + "/settings", "{\"chat\":true}");
        viewport(DESKTOP_W, DESKTOP_H);
        open();
        for (String t : List.of("one", "two", "three")) {
            send(t);
            awaitBotText("echo: " + t);
        }
        assertThat(List.of("one", "two", "three")).noneMatch(this::readShown);
        // The bot marks "two" as read: it and the messages before it show "Read", live; "three" does not.
        String token = bot.events("message").stream().filter(e -> e.path("message").path("text").asText().equals("two"))
                .findFirst().orElseThrow().path("message").path("markAsReadToken").asText();
        bot.call("POST", "/v2/bot/chat/markAsRead", "{\"markAsReadToken\":\"" + token + "\"}");
        wait.until(d -> readShown("one") && readShown("two"));
        assertThat(readShown("three")).isFalse();
        // And so after a reload, from the transcript.
        open();
        wait.until(d -> readShown("one") && readShown("two"));
        assertThat(readShown("three")).isFalse();
    }

    @Test
    void aFlexCarouselsBubblesAndATemplateCarouselsColumnsAreAsTallAsTheTallest() throws Exception {
        startEmulator(null);
        follow();
        bot.push(user, """
                [{"type":"flex","altText":"carousel","contents":{"type":"carousel","contents":[
                   {"type":"bubble","size":"kilo","body":{"type":"box","layout":"vertical","contents":[{"type":"text","text":"Short"}]},
                    "footer":{"type":"box","layout":"vertical","contents":[
                      {"type":"button","style":"primary","action":{"type":"message","label":"Pick A","text":"A"}}]}},
                   {"type":"bubble","size":"kilo","body":{"type":"box","layout":"vertical","contents":[
                      {"type":"text","text":"A much longer description that wraps over several lines in a kilo bubble, line after line, so that this bubble is the tallest of the carousel by far.","wrap":true}]},
                    "footer":{"type":"box","layout":"vertical","contents":[
                      {"type":"button","style":"primary","action":{"type":"message","label":"Pick B","text":"B"}}]}},
                   {"type":"bubble","size":"kilo","hero":{"type":"box","layout":"vertical","height":"40px","backgroundColor":"#ffcc00","contents":[]},
                    "body":{"type":"box","layout":"vertical","contents":[{"type":"text","text":"Medium text","wrap":true}]}}]}},
                 {"type":"template","altText":"columns","template":{"type":"carousel","columns":[
                   {"title":"One","text":"short","actions":[{"type":"message","label":"Take one","text":"one"}]},
                   {"title":"Two","text":"a longer text that needs two or three lines in the column","actions":[{"type":"message","label":"Take two","text":"two"}]}]}}]""");
        viewport(DESKTOP_W, DESKTOP_H);
        open();
        wait.until(d -> d.findElements(By.cssSelector(".flex-carousel > .flex-bubble")).size() == 3);
        List<WebElement> bubbles = browser.findElements(By.cssSelector(".flex-carousel > .flex-bubble"));
        double tallest = bubbles.stream().mapToDouble(b -> rect(b)[3]).max().orElseThrow();
        assertThat(rect(bubbles.get(0))[3]).isLessThan(tallest + 0.5);
        for (WebElement b : bubbles) {
            assertThat(rect(b)[3]).isCloseTo(tallest, within(0.5));
        }
        // The shorter bubbles' bodies grow: their footers stand at the foot, level with the tallest's.
        double[] footerA = rect(bubbles.get(0).findElement(By.cssSelector(".flex-footer")));
        double[] footerB = rect(bubbles.get(1).findElement(By.cssSelector(".flex-footer")));
        assertThat(footerA[1] + footerA[3]).isCloseTo(footerB[1] + footerB[3], within(0.5));
        assertThat(footerA[1] + footerA[3]).isCloseTo(rect(bubbles.get(0))[1] + rect(bubbles.get(0))[3], within(0.5));

        List<WebElement> columns = browser.findElements(By.cssSelector(".template-carousel > .template-card"));
        assertThat(columns).hasSize(2);
        assertThat(rect(columns.get(0))[3]).isCloseTo(rect(columns.get(1))[3], within(0.5));
        double[] take1 = rect(columns.get(0).findElement(By.cssSelector(".action")));
        double[] take2 = rect(columns.get(1).findElement(By.cssSelector(".action")));
        assertThat(take1[1]).isCloseTo(take2[1], within(0.5));
    }

    @Test
    void aVideoWhosePreviewCannotBeShownIsShownByItsUrlNotAsABlackPlayer() throws Exception {
        startEmulator(null);
        follow();
        // No internet here: the previews cannot load, as for any preview that is gone.
        bot.push(user, """
                [{"type":"video","originalContentUrl":"https://example.com/clip.mp4","previewImageUrl":"https://example.com/clip.jpg"},
                 {"type":"flex","altText":"video","contents":{"type":"bubble","hero":{"type":"video","url":"https://example.com/hero.mp4",
                   "previewUrl":"https://example.com/hero.jpg","aspectRatio":"16:9",
                   "altContent":{"type":"image","url":"https://example.com/hero.jpg","size":"full"}},
                   "body":{"type":"box","layout":"vertical","contents":[{"type":"text","text":"Flex video"}]}}},
                 {"type":"flex","altText":"video","contents":{"type":"bubble","hero":{"type":"video","url":"https://example.com/bare.mp4",
                   "previewUrl":"https://example.com/bare.jpg","aspectRatio":"16:9",
                   "altContent":{"type":"box","layout":"vertical","contents":[{"type":"text","text":"Watch it in LINE"}]}},
                   "body":{"type":"box","layout":"vertical","contents":[{"type":"text","text":"Another"}]}}}]""");
        viewport(DESKTOP_W, DESKTOP_H);
        open();
        WebElement clip = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector(".item[data-side='bot'] .media .video-missing")));
        assertThat(clip.findElement(By.cssSelector(".missing-url")).getText()).isEqualTo("https://example.com/clip.mp4");
        assertThat(clip.isDisplayed()).isTrue();
        // Nowhere a player with nothing to show.
        assertThat(browser.findElements(By.tagName("video"))).isEmpty();
        // A Flex video shows its altContent instead, as LINE's apps that cannot play it do.
        wait.until(d -> d.findElements(By.xpath("//div[contains(@class,'flex-video')]//*[text()='Watch it in LINE']")).size() == 1);
        // "Play" tries the video; one that cannot be played here goes back to its URL, saying so.
        clip.findElement(By.cssSelector(".video-play-text")).click();
        wait.until(d -> d.findElements(By.xpath("//div[contains(@class,'missing-label')][text()='video (cannot be played here)']"))
                .size() == 1);
        assertThat(browser.findElements(By.tagName("video"))).isEmpty();
    }

    @Test
    void theReadmeScreenshotsAreTakenAtBothSizes() throws Exception {
        startEmulator(null);
        follow();
        linkRichMenu();
        open();
        awaitBotText("Welcome! Send buttons, flex or quick.");
        send("Hello! What do you have today?");
        awaitBotText("echo: Hello! What do you have today?");
        bot.push(user, """
                [{"type":"flex","altText":"menu","contents":{"type":"carousel","contents":[
                   {"type":"bubble","size":"kilo","hero":{"type":"box","layout":"vertical","height":"60px","backgroundColor":"#f4c150","contents":[]},
                    "body":{"type":"box","layout":"vertical","contents":[{"type":"text","text":"Lemon tart","weight":"bold","size":"lg"},
                      {"type":"text","text":"480 yen","size":"sm","color":"#888888"}]},
                    "footer":{"type":"box","layout":"vertical","contents":[
                      {"type":"button","style":"primary","height":"sm","action":{"type":"message","label":"Order","text":"A lemon tart"}}]}},
                   {"type":"bubble","size":"kilo","hero":{"type":"box","layout":"vertical","height":"60px","backgroundColor":"#9bc27a","contents":[]},
                    "body":{"type":"box","layout":"vertical","contents":[{"type":"text","text":"Matcha roll","weight":"bold","size":"lg"},
                      {"type":"text","text":"Layers of matcha sponge and cream, with red beans from Hokkaido.","size":"sm","color":"#888888","wrap":true}]},
                    "footer":{"type":"box","layout":"vertical","contents":[
                      {"type":"button","style":"primary","height":"sm","action":{"type":"message","label":"Order","text":"A matcha roll"}}]}}]}}]""");
        send("quick");
        awaitBotText("Pick a quick reply");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#quick-replies .quick-reply")));
        wait.until(d -> readShown("quick"));
        for (int[] size : new int[][] {{DESKTOP_W, DESKTOP_H}, {PHONE_W, PHONE_H}}) {
            viewport(size[0], size[1]);
            awaitLastMessageInView();
            assertQuickReplyBarWhole();
            byte[] png = browser.getScreenshotAs(OutputType.BYTES);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            assertThat(image.getWidth()).isEqualTo(size[0]);
            assertThat(image.getHeight()).isEqualTo(size[1]);
            Path docs = Files.createDirectories(Path.of("docs"));
            Files.write(docs.resolve("chat-" + size[0] + "x" + size[1] + ".png"), png);
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** The page's viewport, exactly (a phone's is a mobile one, as a phone's browser lays the page out). */
    void viewport(int width, int height) {
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 640));
        if (browser.getCurrentUrl().startsWith("http")) { // (a blank page has no viewport of its own)
            wait.until(d -> ((Number) browser.executeScript("return window.innerWidth")).intValue() == width);
        }
    }

    void open() {
        browser.get(emulator.baseUrl() + "/?user=" + user);
        wait.until(d -> Boolean.TRUE.equals(browser.executeScript("return window.linegateChat && window.linegateChat.streamOpen")));
    }

    void follow() throws Exception {
        control("POST", "/users/" + user + "/follow", "{}");
        await().atMost(Duration.ofSeconds(10)).until(() -> !bot.events("follow").isEmpty());
    }

    void pushTexts(int n) {
        for (int i = 0; i < n; i += 5) {
            List<String> five = new ArrayList<>();
            for (int j = i; j < Math.min(n, i + 5); j++) {
                five.add("{\"type\":\"text\",\"text\":\"message " + j + "\"}");
            }
            bot.push(user, "[" + String.join(",", five) + "]");
        }
    }

    void linkRichMenu() {
        String menu = bot.call("POST", "/v2/bot/richmenu", """
                {"size":{"width":2500,"height":843},"selected":false,"name":"main","chatBarText":"Menu",
                 "areas":[{"bounds":{"x":0,"y":0,"width":1250,"height":843},"action":{"type":"message","label":"Menu","text":"menu"}},
                          {"bounds":{"x":1250,"y":0,"width":1250,"height":843},"action":{"type":"message","label":"Help","text":"help"}}]}
                """);
        try {
            bot.call("POST", "/v2/bot/user/" + user + "/richmenu/" + Json.mapper().readTree(menu).path("richMenuId").asText(), "");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    void send(String text) {
        browser.findElement(By.id("text-input")).sendKeys(text);
        browser.findElement(By.id("send")).click();
    }

    void awaitBotText(String text) {
        wait.until(ExpectedConditions.presenceOfElementLocated(By.xpath("//div[@data-side='bot']//div[contains(@class,'text')][text()="
                + ChatPageBrowserTest.xpathLiteral(text) + "]")));
    }

    WebElement botItem(String text) {
        return browser.findElement(By.xpath("//div[@data-side='bot'][.//div[contains(@class,'text')][text()="
                + ChatPageBrowserTest.xpathLiteral(text) + "]]"));
    }

    /** Whether the user's own message {@code text} shows "Read" (looked up afresh: items are redrawn). */
    boolean readShown(String text) {
        List<WebElement> marks = browser.findElements(By.xpath("//div[@data-side='user'][contains(@class,'right')][.//div[text()="
                + ChatPageBrowserTest.xpathLiteral(text) + "]]//span[contains(@class,'read')]"));
        try {
            return marks.size() == 1 && marks.get(0).isDisplayed() && marks.get(0).getText().equals("Read");
        } catch (StaleElementReferenceException redrawn) {
            return false;
        }
    }

    /** The bar is as tall as its buttons need, each button inside its visible area, none clipped. */
    void assertQuickReplyBarWhole() {
        WebElement bar = browser.findElement(By.id("quick-replies"));
        double[] r = rect(bar);
        double clientHeight = ((Number) browser.executeScript("return arguments[0].clientHeight", bar)).doubleValue();
        List<WebElement> buttons = bar.findElements(By.cssSelector(".quick-reply"));
        assertThat(buttons).isNotEmpty();
        for (WebElement b : buttons) {
            double[] br = rect(b);
            assertThat(br[3]).as("a quick reply's height").isGreaterThanOrEqualTo(28.0);
            assertThat(br[1]).as("a quick reply's top").isGreaterThanOrEqualTo(r[1]);
            assertThat(br[1] + br[3]).as("a quick reply's foot").isLessThanOrEqualTo(r[1] + clientHeight + 0.5);
            double scrollHeight = ((Number) browser.executeScript("return arguments[0].scrollHeight", b)).doubleValue();
            double innerHeight = ((Number) browser.executeScript("return arguments[0].clientHeight", b)).doubleValue();
            assertThat(scrollHeight).as("a quick reply's label is not clipped").isLessThanOrEqualTo(innerHeight);
        }
        assertThat(r[3]).as("the bar's height").isGreaterThanOrEqualTo(rect(buttons.get(0))[3] + 16);
    }

    void assertLastMessageInView() {
        WebElement list = browser.findElement(By.id("messages"));
        List<WebElement> items = list.findElements(By.cssSelector(".item"));
        double[] last = rect(items.get(items.size() - 1));
        double[] view = rect(list);
        assertThat(last[1] + last[3]).as("the last message's foot within the transcript").isLessThanOrEqualTo(view[1] + view[3] + 0.5);
        assertThat(last[1]).as("the last message's top within the transcript").isGreaterThanOrEqualTo(view[1] - 0.5);
    }

    void awaitLastMessageInView() {
        wait.until(d -> {
            try {
                assertLastMessageInView();
                return true;
            } catch (AssertionError | StaleElementReferenceException notYet) {
                return false;
            }
        });
    }

    ZoneId browserZone() {
        return ZoneId.of((String) browser.executeScript("return Intl.DateTimeFormat().resolvedOptions().timeZone"));
    }

    String text(WebElement e) {
        return (String) browser.executeScript("return arguments[0].textContent", e);
    }

    double[] rect(WebElement e) {
        @SuppressWarnings("unchecked")
        List<Number> r = (List<Number>) browser.executeScript(
                "const r = arguments[0].getBoundingClientRect(); return [r.x, r.y, r.width, r.height];", e);
        return new double[] {r.get(0).doubleValue(), r.get(1).doubleValue(), r.get(2).doubleValue(), r.get(3).doubleValue()};
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
