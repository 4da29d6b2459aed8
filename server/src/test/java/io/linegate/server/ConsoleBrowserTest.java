package io.linegate.server;

import static io.linegate.webhook.Webhooks.body;
import static io.linegate.webhook.Webhooks.text;
import static io.linegate.webhook.Webhooks.user;
import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.bot.messaging.model.TextMessage;
import com.linecorp.bot.webhook.model.MessageEvent;
import com.linecorp.bot.webhook.model.TextMessageContent;
import com.sun.net.httpserver.HttpServer;
import io.linegate.core.Secret;
import io.linegate.core.Ulid;
import io.linegate.core.WebhookSignature;
import io.linegate.emulator.Emulator;
import io.linegate.emulator.chat.Chromium;
import io.linegate.runtime.TokenSettings;
import io.linegate.store.CampaignStore;
import io.linegate.store.OperatorControls;
import io.linegate.webhook.Bot;
import io.linegate.webhook.EventContext;
import io.linegate.webhook.EventHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator console in headless Chromium against a real server on loopback: one server and one
 * browser for the whole class (the steps build on the sign-in), each step what an operator does at
 * 2 a.m. The README's screenshots are taken here, into the console module's {@code docs/}.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
    static final Secret SECRET = Secret.of("c0ffeec0ffeec0ffeec0ffeec0ffee27", "LINE_CHANNEL_SECRET");
    static final Secret ADMIN = Secret.of("27e2d3c4b5a69788796a5b4c3d2e1f0f", "LINEGATE_ADMIN_TOKEN");
    static final Path DOCS = Path.of("..", "console", "docs");

    /** Handles everything, except that while {@link #failing} is set it throws (a payment service down). */
    static final class FlakyBot implements Bot {
        final List<EventContext> handled = new CopyOnWriteArrayList<>();
        final AtomicBoolean failing = new AtomicBoolean();

        @Override
        public String name() {
            return "console-test";
        }

        @Override
        public EventHandler handler() {
            return ctx -> {
                if (failing.get()) {
                    throw new IllegalStateException("payment service down");
                }
                if (ctx.event() instanceof MessageEvent m && m.message() instanceof TextMessageContent t
                        && t.text().startsWith("push ")) {
                    ctx.push(new TextMessage("order confirmed: " + t.text().substring(5)));
                }
                handled.add(ctx);
            };
        }
    }

    Path dir;
    final FlakyBot bot = new FlakyBot();
    Emulator line;
    LinegateServer server;
    ChromeDriver browser;
    WebDriverWait wait;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("console-test");
        browser = Chromium.start(dir.resolve("chromium"));
        wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        line = Emulator.builder().port(0).start(); // LINE, for the handler's pushes and the API log
        server = LinegateServer.builder(bot, SECRET)
                .host("127.0.0.1").port(0).tls(ServerTls.insecureHttp()).dataDir(dir.resolve("data"))
                .adminPort(0).adminToken(ADMIN)
                .apiBase(URI.create(line.baseUrl())).channelId(line.defaultChannel().channelId())
                .tokens(TokenSettings.longLived(Secret.of(line.defaultChannel().accessToken(), "LINE_CHANNEL_ACCESS_TOKEN")))
                .apiLog(Duration.ofDays(14), "redacted")
                .dispatcher(d -> d.maxAttempts(2).backoff(Duration.ofMillis(10), Duration.ofMillis(20)))
                .build().start();
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        if (line != null) {
            line.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    String console() {
        return server.adminUri() + "/console";
    }

    String post(String userId, String message) throws Exception {
        String eventId = Ulid.next();
        byte[] body = body(text(userId, eventId, message, false));
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(server.baseUri() + "/webhook"))
                .header("content-type", "application/json")
                .header("x-line-signature", WebhookSignature.sign(SECRET, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        return eventId;
    }

    WebElement shown(String id) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
    }

    long number(String id) {
        String t = browser.findElement(By.id(id)).getText().trim();
        return t.matches("\\d+") ? Long.parseLong(t) : -1;
    }

    void tab(String page) {
        browser.findElement(By.cssSelector("button.tab[data-page='" + page + "']")).click();
        shown("page-" + page);
    }

    void screenshot(String name) throws Exception {
        Files.createDirectories(DOCS);
        Files.write(DOCS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    @Test
    @Order(1)
    void anOperatorSignsInWithTheAdminTokenAndHoldsOnlyAnHttpOnlyStrictSessionCookie() throws Exception {
        browser.get(console());
        assertThat(browser.getCurrentUrl()).endsWith("/console/");
        shown("token").sendKeys("0000000000000000000000000000000000");
        browser.findElement(By.id("signin-button")).click();
        wait.until(ExpectedConditions.textToBe(By.id("signin-error"), "The admin token does not match"));
        assertThat(browser.manage().getCookieNamed("linegate_console")).isNull();

        browser.findElement(By.id("token")).sendKeys(ADMIN.reveal());
        browser.findElement(By.id("name")).sendKeys("Aiko");
        browser.findElement(By.id("signin-button")).click();
        shown("page-overview");
        assertThat(browser.findElement(By.id("actor")).getText()).isEqualTo("console:Aiko from 127.0.0.1");
        Cookie cookie = browser.manage().getCookieNamed("linegate_console");
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Strict");
        assertThat(cookie.getPath()).isEqualTo("/console");
        // The page's own script cannot read it, and the token typed in is not kept anywhere on the page.
        assertThat((String) ((JavascriptExecutor) browser).executeScript("return document.cookie")).doesNotContain("linegate_console");
        assertThat(browser.getPageSource()).doesNotContain(ADMIN.reveal());
        assertThat(server.store().controls().auditTrail(10)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("sign-in");
            assertThat(e.actor()).isEqualTo("console:Aiko from 127.0.0.1");
        });
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(console() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.headers().firstValue("content-security-policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("script-src 'self'", "style-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe-inline"));
        assertThat(page.body()).doesNotContain("<script>", "style=", "http://", "https://");
    }

    @Test
    @Order(2)
    void theOverviewMovesWhileWebhooksArrive() throws Exception {
        shown("page-overview");
        long before = number("fig-webhooks-hour");
        for (int i = 0; i < 6; i++) {
            post(user(100 + i), "hello " + i);
            Thread.sleep(150); // spread over a few samples, so that the chart draws a line
        }
        wait.until(d -> number("fig-webhooks-hour") >= before + 6);
        wait.until(d -> number("fig-handled") >= 6);
        WebElement line = browser.findElement(By.cssSelector("#chart-webhooks polyline[data-series='2xx']"));
        assertThat(line.getAttribute("points").split(" ").length).isGreaterThan(1);
        wait.until(d -> !browser.findElement(By.id("fig-ack")).getText().equals("–"));
    }

    @Test
    @Order(3)
    void aDeadLetterMadeByAFailingHandlerIsFoundReplayedAndHandled() throws Exception {
        bot.failing.set(true);
        String eventId = post(user(7), "pay for order 42");
        wait.withTimeout(Duration.ofSeconds(20)).until(d -> server.store().deadLetters().waiting() == 1);
        bot.failing.set(false); // the payment service is back

        tab("dead");
        browser.findElement(By.id("dead-q")).sendKeys("payment");
        browser.findElement(By.cssSelector("#dead-filter button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBe(By.id("dead-count"), "1 dead letter match"));
        WebElement row = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#dead-table tbody tr.dead-row")));
        assertThat(row.getText()).contains("user:" + user(7), "payment service down", "message", "waiting");
        row.click();
        String raw = shown("dead-body").getText();
        assertThat(raw).contains(eventId, "pay for order 42", "\"replyToken\" : \"[redacted]\"").doesNotContain("rt-" + eventId);
        screenshot("console-dead-letters");

        browser.findElement(By.id("replay-one")).click();
        wait.until(ExpectedConditions.textToBe(By.id("confirm-text"), "Replay 1 dead letter?"));
        browser.findElement(By.id("confirm-ok")).click();
        wait.until(d -> bot.handled.stream().anyMatch(e -> e.eventId().equals(eventId)));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "Replayed 1 of 1"));
        assertThat(server.store().deadLetters().waiting()).isZero();
        assertThat(server.store().controls().auditTrail(10)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("replay");
            assertThat(e.actor()).isEqualTo("console:Aiko from 127.0.0.1");
        });
    }

    @Test
    @Order(4)
    void aMutedSourceHasItsNextEventSkipped() throws Exception {
        String noisy = user(9);
        tab("switches");
        browser.findElement(By.id("mute-source")).sendKeys(noisy);
        browser.findElement(By.id("mute-button")).click();
        shown("muted");
        wait.until(d -> !d.findElements(By.cssSelector("#muted li[data-source='user:" + noisy + "']")).isEmpty());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#audit tbody tr"), "mute"));
        assertThat(browser.findElement(By.cssSelector("#audit tbody tr")).getText())
                .contains("console:Aiko from 127.0.0.1", "mute", "user:" + noisy);
        screenshot("console-switches");

        String skipped = post(noisy, "spam");
        String other = post(user(10), "a real question");
        tab("overview");
        wait.until(d -> number("fig-muted") >= 1);
        wait.until(d -> bot.handled.stream().anyMatch(e -> e.eventId().equals(other)));
        assertThat(bot.handled).noneMatch(e -> e.eventId().equals(skipped));

        tab("switches");
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#muted li button"))).click();
        wait.until(d -> d.findElements(By.cssSelector("#muted li")).isEmpty());
        assertThat(server.store().controls().controls(OperatorControls.MUTE)).isEmpty();
    }

    @Test
    @Order(5)
    void aCampaignIsPausedResumedAndCancelledFromItsRow() throws Exception {
        long id = server.store().campaigns().createCampaign("Winter sale", "multicast", null,
                "[{\"type\":\"text\",\"text\":\"Winter sale\"}]", 10, Instant.now().plus(Duration.ofHours(1)),
                List.of(new CampaignStore.NewBatch(List.of(user(20), user(21)), UUID.randomUUID().toString())), Instant.now());
        tab("campaigns");
        String row = "#campaigns tr[data-campaign='" + id + "']";
        wait.until(d -> !d.findElements(By.cssSelector(row + "[data-state='running']")).isEmpty());
        assertThat(browser.findElement(By.cssSelector(row)).getText()).contains("Winter sale", "0 / 0 / 1", "0 / 2");

        browser.findElement(By.cssSelector(row + " button[data-change='pause']")).click();
        wait.until(d -> !d.findElements(By.cssSelector(row + "[data-state='paused']")).isEmpty());
        assertThat(server.store().campaigns().campaign(id).orElseThrow().state()).isEqualTo("paused");
        screenshot("console-campaigns");

        browser.findElement(By.cssSelector(row + " button[data-change='resume']")).click();
        wait.until(d -> !d.findElements(By.cssSelector(row + "[data-state='running']")).isEmpty());
        browser.findElement(By.cssSelector(row + " button[data-change='cancel']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("confirm-text"), "Cancel campaign " + id));
        browser.findElement(By.id("confirm-ok")).click();
        wait.until(d -> !d.findElements(By.cssSelector(row + "[data-state='cancelled']")).isEmpty());
        assertThat(browser.findElements(By.cssSelector(row + " button"))).as("nothing left to do to a cancelled campaign").isEmpty();
        assertThat(server.store().campaigns().campaign(id).orElseThrow().state()).isEqualTo("cancelled");
        assertThat(server.store().controls().auditTrail(10)).extracting(e -> e.action())
                .contains("campaign pause", "campaign resume", "campaign cancel");
    }

    @Test
    @Order(6)
    void aPushAHandlerMadeIsFoundInTheApiLogWithItsAttemptsSideBySide() throws Exception {
        // LINE answers the first try 500; the sender tries again with the same retry key and LINE takes it.
        HttpResponse<String> fault = http.send(HttpRequest.newBuilder(URI.create(line.baseUrl() + "/control/v1/faults"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"endpoint\":\"/v2/bot/message/push\",\"errorRate\":1.0,\"count\":1}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(fault.statusCode()).isEqualTo(200);
        String eventId = post(user(30), "push 4711");
        wait.withTimeout(Duration.ofSeconds(30)).until(d -> bot.handled.stream().anyMatch(e -> e.eventId().equals(eventId)));

        tab("calls");
        browser.findElement(By.id("calls-endpoint")).sendKeys("/v2/bot/message/push");
        browser.findElement(By.id("calls-status")).sendKeys("5xx");
        browser.findElement(By.cssSelector("#calls-filter button[type=submit]")).click();
        WebElement failed = wait.until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("#calls-table tbody tr.call-row[data-status='500']")));
        assertThat(browser.findElements(By.cssSelector("#calls-table tbody tr.call-row"))).hasSize(1);
        assertThat(failed.getText()).contains("POST", "/v2/bot/message/push", "500");
        failed.click();
        wait.until(d -> d.findElements(By.cssSelector("#attempts .attempt")).size() == 2);
        List<WebElement> attempts = browser.findElements(By.cssSelector("#attempts .attempt"));
        assertThat(attempts).extracting(a -> a.getAttribute("data-status")).containsExactly("500", "200");
        assertThat(attempts.get(0).getText()).contains("Attempt 1", "Retry key");
        assertThat(attempts.get(1).getText()).contains("Attempt 2", "Request id");
        String key = browser.findElement(By.id("calls-detail-key")).getText();
        assertThat(key).startsWith("· retry key ");
        assertThat(attempts).allSatisfy(a -> assertThat(a.getText()).contains(key.substring("· retry key ".length())));
        // The request body is logged redacted: the user id and the text are not shown.
        assertThat(attempts.get(1).getText()).contains("[redacted]").doesNotContain("4711", user(30));
        screenshot("console-api-log");

        // The overview has the push endpoint against LINE's limit, and LINE's 500 among the last hour's 5xx.
        tab("overview");
        String push = "#line-limits tr[data-endpoint='POST /v2/bot/message/push']";
        wait.until(d -> !d.findElements(By.cssSelector(push)).isEmpty()
                && d.findElement(By.cssSelector(push)).getText().contains("2000/second"));
        wait.until(d -> number("fig-line-5xx") == 1 && number("fig-line") >= 2);
        assertThat(browser.findElements(By.cssSelector(push + " td"))).extracting(WebElement::getText)
                .satisfies(cells -> {
                    assertThat(cells.get(4)).isEqualTo("2"); // requests in the last hour
                    assertThat(cells.get(6)).isEqualTo("1"); // of which 5xx
                });
        assertThat(browser.findElements(By.cssSelector("#chart-line polyline[data-series='5xx']"))).hasSize(1);
        screenshot("console-overview");
        tab("calls");

        // A search the console cannot answer is said, in the page, by the field it names.
        browser.findElement(By.id("calls-status")).clear();
        browser.findElement(By.id("calls-status")).sendKeys("teapot");
        browser.findElement(By.cssSelector("#calls-filter button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "status must be a status (429)"));
    }

    @Test
    @Order(7)
    void aCrossSiteFormPostingToAConsoleActionChangesNothing() throws Exception {
        String victim = user(11);
        int audited = server.store().controls().auditTrail(1000).size();
        // Another origin on the same machine (so the browser does send the SameSite cookie along): forms that
        // post to the console's actions, one as text/plain shaped like JSON, one as an ordinary form.
        String attack = "<!doctype html><html><body>"
                + "<form id=a method=POST enctype=text/plain action='" + console() + "/api/mute'>"
                + "<input name='{\"source\":\"" + victim + "\",\"muted\":true,\"x\":\"' value='\"}'></form>"
                + "<form id=b method=POST action='" + console() + "/api/maintenance' target=other>"
                + "<input name=on value=true></form><iframe name=other></iframe>"
                + "<script>document.getElementById('b').submit();setTimeout(function(){document.getElementById('a').submit()},300)</script>"
                + "</body></html>";
        HttpServer evil = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        evil.createContext("/", exchange -> {
            byte[] b = attack.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("content-type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, b.length);
            exchange.getResponseBody().write(b);
            exchange.close();
        });
        evil.start();
        try {
            browser.get("http://127.0.0.1:" + evil.getAddress().getPort() + "/");
            wait.until(d -> d.getCurrentUrl().endsWith("/console/api/mute"));
        } finally {
            evil.stop(0);
        }
        assertThat(server.store().controls().controls(OperatorControls.MUTE)).isEmpty();
        assertThat(server.store().controls().controls(OperatorControls.MAINTENANCE)).isEmpty();
        assertThat(server.store().controls().auditTrail(1000)).hasSize(audited);
        assertThat(browser.findElement(By.tagName("body")).getText()).contains("Changes come from the console's own page only");
        // The session itself still works from the console's own page.
        browser.get(console() + "/");
        shown("page-overview");
    }
}
