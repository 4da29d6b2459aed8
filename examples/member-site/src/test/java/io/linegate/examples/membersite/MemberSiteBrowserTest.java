package io.linegate.examples.membersite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linegate.core.Secret;
import io.linegate.emulator.LoginChannelInfo;
import io.linegate.store.LinkStore.Link;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The member site end to end in headless Chromium (Debian's chromium and chromium-driver, which
 * {@code .ci/run} installs), against the emulator's LINE Login and consent pages: sign in, link the
 * LINE account at LINE Login with the add-friend option (confirmed on the site), unlink, link again
 * from the bot's "link my account" message through the account-link dialog, and open the LIFF page.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class MemberSiteBrowserTest {
    static final String EMAIL = "taro@example.com";
    static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path dir;
    SiteFixture fixture;
    SiteFixture.Chromium browser;
    String site;
    String lineUser;

    @BeforeEach
    void start() throws Exception {
        browser = SiteFixture.chromium(dir.resolve("chromium"));
        fixture = new SiteFixture(dir.resolve("data"), Map.of("alice", Secret.of("alice-password", "password")));
        site = fixture.site;
        lineUser = fixture.lineUser("Taro", EMAIL, PASSWORD);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void signInLinkAtLineLoginWithAddFriendUnlinkThenLinkFromTheBotAndOpenTheLiffApp() throws Exception {
        // The member signs in on the site with the site's own account.
        browser.signIn(site, "alice", "alice-password");
        assertThat(browser.text("link-status")).contains("No LINE account is linked");

        // Link at LINE Login: the emulator's login page, then its consent page with the add-friend
        // option, pre-checked because the provider is certified (bot_prompt=normal).
        browser.click("link-line");
        browser.logInToLine(EMAIL, PASSWORD);
        WebElement addFriend = browser.until().until(ExpectedConditions.presenceOfElementLocated(By.id("add-friend")));
        assertThat(addFriend.isSelected()).as("add-friend pre-checked under a certified provider").isTrue();
        assertThat(browser.driver().getPageSource()).contains("profile").contains("openid");
        browser.click("allow");

        // Back on the site: "link LINE account X to member Y?", and nothing linked before the member says so.
        assertThat(browser.text("confirm-line-user")).isEqualTo(lineUser);
        assertThat(browser.text("confirm-member")).isEqualTo("alice");
        assertThat(link()).isEmpty();
        browser.click("confirm-link");

        assertThat(browser.text("line-user")).isEqualTo(lineUser);
        assertThat(browser.driver().getCurrentUrl()).startsWith(site + "/");
        assertThat(browser.text("notice")).contains("Your LINE account is linked").contains("added our official account as a friend");
        assertThat(browser.text("link-status")).contains("via line-login");
        assertThat(browser.driver().getPageSource()).contains("unlink it at any time");
        assertThat(link()).map(Link::memberId).contains("alice");
        // Adding the friend made the user follow the bot, which greeted them.
        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.inbox(lineUser).contains("Thanks for adding me"));

        // Unlink on the site.
        browser.click("unlink-button");
        browser.until().until(ExpectedConditions.textToBePresentInElementLocated(By.id("link-status"), "No LINE account is linked"));
        assertThat(link()).isEmpty();

        // Link from the bot (flow a): "link my account" -> the site with a link token -> confirm -> LINE's dialog.
        fixture.control("POST", "/users/" + lineUser + "/messages", "{\"type\":\"text\",\"text\":\"link my account\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.inbox(lineUser).contains("/link?linkToken="));
        Matcher m = Pattern.compile("(http://localhost:\\d+/link\\?linkToken=[A-Za-z0-9%_.\\-]+)").matcher(fixture.inbox(lineUser));
        assertThat(m.find()).isTrue();
        browser.driver().get(m.group(1));
        assertThat(browser.text("confirm-line-user")).as("the LINE user the bot issued the token for").isEqualTo(lineUser);
        browser.click("confirm-link");
        // Already logged in to LINE in this browser (the emulator's session): straight to the dialog.
        browser.click("link");
        await().atMost(Duration.ofSeconds(10)).until(() -> link().isPresent());
        assertThat(link().get().memberId()).isEqualTo("alice");
        assertThat(link().get().via()).isEqualTo("account-link");
        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.inbox(lineUser).contains("Your account is linked"));
        browser.driver().get(site + "/");
        assertThat(browser.text("line-user")).isEqualTo(lineUser);

        // The LIFF app: opened through LINE, it sends only its ID token; the server says who it is.
        LoginChannelInfo loginChannel = fixture.emulator.defaultLoginChannel();
        browser.driver().get(fixture.emulator.baseUrl() + "/liff/" + loginChannel.liffId());
        browser.until().until(ExpectedConditions.textToBePresentInElementLocated(By.id("liff-user"), "Verified LINE user"));
        assertThat(browser.text("liff-user")).contains(lineUser).contains("member alice");
        assertThat(browser.driver().getCurrentUrl()).doesNotContain("token"); // the SDK took the tokens out of the address bar
    }

    @Test
    void declinedConsentIsShownToTheMemberAndLinksNothing() {
        browser.signIn(site, "alice", "alice-password");
        browser.click("link-line");
        browser.logInToLine(EMAIL, PASSWORD);
        browser.click("deny");
        WebElement error = browser.until().until(ExpectedConditions.presenceOfElementLocated(By.id("login-error")));
        assertThat(error.getAttribute("data-error")).isEqualTo("ACCESS_DENIED");
        assertThat(error.getText()).contains("did not allow access");
        assertThat(link()).isEmpty();
    }

    @Test
    void logInWithLineSignsInTheLinkedMember() throws Exception {
        fixture.app.store().links().link(lineUser, "alice", "line-login", false, java.time.Instant.now());
        browser.driver().get(site + "/");
        browser.click("login-with-line");
        browser.logInToLine(EMAIL, PASSWORD);
        browser.click("allow");
        // The sign-in finishes on the same-site step after the callback, where the Strict cookies are sent.
        assertThat(browser.text("member-id")).isEqualTo("alice");
        assertThat(browser.text("notice")).contains("Signed in with LINE");
    }

    @Test
    void logInWithLineEndsTheBrowsersPreviousSessionOnTheServer() throws Exception {
        fixture.app.store().links().link(lineUser, "alice", "line-login", false, java.time.Instant.now());
        browser.signIn(site, "alice", "alice-password");
        String before = browser.driver().manage().getCookieNamed(Sessions.COOKIE).getValue();
        assertThat(pageWithSession(before)).contains("id=\"member-id\">alice");

        browser.driver().get(site + "/login/line");
        browser.logInToLine(EMAIL, PASSWORD);
        browser.click("allow");
        assertThat(browser.text("member-id")).isEqualTo("alice");
        String after = browser.driver().manage().getCookieNamed(Sessions.COOKIE).getValue();
        assertThat(after).isNotEqualTo(before);
        // Not only the browser's cookie: the session it replaced is over on the server too.
        assertThat(pageWithSession(before)).as("the previous session").contains("id=\"signin\"").doesNotContain("member-id");
        assertThat(pageWithSession(after)).contains("id=\"member-id\">alice");
    }

    /** The site's home page as a client holding only the session cookie {@code session} sees it. */
    private String pageWithSession(String session) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(site + "/"))
                .header("Cookie", Sessions.COOKIE + "=" + session).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private Optional<Link> link() {
        return fixture.app.store().links().linkOfUser(lineUser);
    }
}
