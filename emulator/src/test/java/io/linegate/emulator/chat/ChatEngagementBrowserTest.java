package io.linegate.emulator.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.core.Json;
import io.linegate.emulator.Emulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What a user does with a broadcast on the chat page, in headless Chromium, reaches Insight and the
 * click and impression audiences: the message on screen is an impression, a tap on a link in its text
 * or on its URI button is a click; a push is not counted.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChatEngagementBrowserTest {
    @TempDir
    Path dir;
    Emulator emulator;
    ChromeDriver browser;
    WebDriverWait wait;
    final HttpClient http = HttpClient.newHttpClient();

    static String user(int i) {
        return "U" + String.format("%032x", i);
    }

    @BeforeEach
    void start() throws Exception {
        browser = Chromium.start(dir.resolve("chromium"));
        wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        emulator = Emulator.builder().port(0).rateLimits(false).build().start();
        call("POST", "/control/v1/users/bulk", "{\"start\":0,\"count\":25}", null);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void impressionsAndClicksOnThePageReachInsightAndRetargetingAudiences() throws Exception {
        String token = emulator.defaultChannel().accessToken();
        HttpResponse<String> sent = raw("POST", "/v2/bot/message/broadcast", "{\"messages\":["
                + "{\"type\":\"text\",\"text\":\"Sale today: https://example.com/sale\"},"
                + "{\"type\":\"template\",\"altText\":\"coupon\",\"template\":{\"type\":\"buttons\",\"text\":\"Your coupon\","
                + "\"actions\":[{\"type\":\"uri\",\"label\":\"Get coupon\",\"uri\":\"https://example.com/coupon\"}]}}]}", token);
        assertThat(sent.statusCode()).isEqualTo(200);
        String requestId = sent.headers().firstValue("x-line-request-id").orElseThrow();
        call("POST", "/v2/bot/message/push", "{\"to\":\"" + user(0) + "\",\"messages\":[{\"type\":\"text\",\"text\":\"Pushed https://example.com/push\"}]}", token);
        // 19 other users saw it (recorded through the control API): under LINE's threshold of 20, hidden.
        for (int i = 1; i < 20; i++) {
            call("POST", "/control/v1/users/" + user(i) + "/impressions", "{\"requestId\":\"" + requestId + "\"}", null);
        }
        assertThat(event(requestId, token).path("overview").path("uniqueImpression").isNull()).isTrue();

        // User 0 opens the chat: the broadcast is on screen.
        browser.get(emulator.baseUrl() + "/?user=" + user(0));
        wait.until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                "return window.linegateChat && window.linegateChat.streamOpen && window.linegateChat.impressions === 1")));
        assertThat(event(requestId, token).path("overview").path("uniqueImpression").asInt()).isEqualTo(20);

        // A tap on the link in the text, then on the template's URI button.
        browser.findElement(By.xpath("//a[contains(@class,'link')][text()='https://example.com/sale']")).click();
        waitForClicks(1);
        wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//button[text()='Get coupon']"))).click();
        waitForClicks(2);
        // The pushed message's link opens too, but a push is not counted.
        browser.findElement(By.xpath("//a[contains(@class,'link')][text()='https://example.com/push']")).click();
        Thread.sleep(300);
        assertThat(((JavascriptExecutor) browser).executeScript("return window.linegateChat.clicks")).isEqualTo(2L);

        JsonNode e = event(requestId, token);
        assertThat(e.path("clicks").findValuesAsText("url")).containsExactlyInAnyOrder("https://example.com/sale", "https://example.com/coupon");
        for (JsonNode c : e.path("clicks")) {
            assertThat(c.path("seq").asInt()).isEqualTo(c.path("url").asText().endsWith("/coupon") ? 2 : 1);
        }

        JsonNode clicked = call("POST", "/v2/bot/audienceGroup/click", "{\"description\":\"sale clickers\",\"requestId\":\"" + requestId
                + "\",\"clickUrl\":\"https://example.com/sale\"}", token);
        JsonNode saw = call("POST", "/v2/bot/audienceGroup/imp", "{\"description\":\"saw the sale\",\"requestId\":\"" + requestId + "\"}", token);
        assertThat(call("GET", "/v2/bot/audienceGroup/" + clicked.path("audienceGroupId").asLong(), null, token)
                .path("audienceGroup").path("audienceCount").asInt()).isEqualTo(1);
        assertThat(call("GET", "/v2/bot/audienceGroup/" + saw.path("audienceGroupId").asLong(), null, token)
                .path("audienceGroup").path("audienceCount").asInt()).isEqualTo(20);
    }

    void waitForClicks(long n) {
        wait.until(d -> Long.valueOf(n).equals(((JavascriptExecutor) d).executeScript("return window.linegateChat.clicks")));
    }

    JsonNode event(String requestId, String token) throws Exception {
        return call("GET", "/v2/bot/insight/message/event?requestId=" + requestId, null, token);
    }

    HttpResponse<String> raw(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(emulator.baseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode call(String method, String path, String body, String token) throws Exception {
        HttpResponse<String> res = raw(method, path, body, token);
        assertThat(res.statusCode()).as(method + " " + path + ": " + res.body()).isBetween(200, 299);
        return res.body().isBlank() ? Json.mapper().createObjectNode() : Json.mapper().readTree(res.body());
    }
}
