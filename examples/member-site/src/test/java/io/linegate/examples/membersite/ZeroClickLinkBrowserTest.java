package io.linegate.examples.membersite;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Server;
import io.linegate.core.Secret;
import io.linegate.store.LinkStore.AuditEntry;
import io.linegate.store.LinkStore.Link;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The zero-click link of someone else's LINE account, tried as an attacker would in headless
 * Chromium: the victim is signed in to the site as themselves, logged in to LINE, and has consented
 * to the Login channel before, so LINE completes a login without a click. A page on another origin
 * (the attacker's, served here at {@code 127.0.0.1} while the site is at {@code localhost}) posts the
 * site's sign-in form with the attacker's credentials and {@code next=/login/line}, and then the
 * link form itself. Before issue 16 this linked the victim's LINE account to the attacker's
 * membership; now nothing is linked and the victim stays signed in as themselves.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ZeroClickLinkBrowserTest {
    static final String EMAIL = "victim@example.com";
    static final String PASSWORD = "the victim's LINE password";

    @TempDir
    Path dir;
    SiteFixture fixture;
    SiteFixture.Chromium browser;
    Server attacker;
    String victimLine;

    @BeforeEach
    void start() throws Exception {
        browser = SiteFixture.chromium(dir.resolve("chromium"));
        fixture = new SiteFixture(dir.resolve("data"), Map.of("victim", Secret.of("victim-password", "password"),
                "mallory", Secret.of("mallory-password", "password")));
        victimLine = fixture.lineUser("Victim", EMAIL, PASSWORD);
        String site = fixture.site;
        attacker = Server.builder().http(new InetSocketAddress("127.0.0.1", 0))
                .service("/sign-in-then-link", (ctx, req) -> page("""
                        <form id="f" method="post" action="%s/signin">
                          <input name="member" value="mallory"><input name="password" value="mallory-password">
                          <input name="next" value="/login/line">
                        </form><script>document.getElementById('f').submit();</script>""".formatted(site)))
                .service("/link", (ctx, req) -> page("""
                        <form id="f" method="post" action="%s/login/line/link"></form>
                        <script>document.getElementById('f').submit();</script>""".formatted(site)))
                .build();
        attacker.start().join();
    }

    static HttpResponse page(String body) {
        return HttpResponse.of(HttpStatus.OK, MediaType.HTML_UTF_8, "<!doctype html><html><body>" + body + "</body></html>");
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (attacker != null) {
            attacker.stop().join();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    /** The victim, signed in as themselves, logs in to LINE and consents once: LINE will not ask again. */
    void victimIsLoggedInToLineWithConsent() {
        browser.signIn(fixture.site, "victim", "victim-password");
        browser.click("link-line");
        browser.logInToLine(EMAIL, PASSWORD);
        browser.click("allow");
        browser.click("confirm-link");
        assertThat(browser.text("line-user")).isEqualTo(victimLine);
        browser.click("unlink-button"); // the victim's LINE account is free; LINE still remembers the login and consent
        browser.until().until(ExpectedConditions.textToBePresentInElementLocated(By.id("link-status"), "No LINE account is linked"));
    }

    @Test
    void aPageOnAnotherOriginCanNeitherSignTheVictimInNorLinkTheirLineAccount() {
        victimIsLoggedInToLineWithConsent();
        String attackerOrigin = "http://127.0.0.1:" + attacker.activeLocalPort();

        // 1. Sign the victim in to the attacker's membership, then start a link by a GET.
        browser.driver().get(attackerOrigin + "/sign-in-then-link");
        browser.until().until(d -> d.getCurrentUrl().startsWith(fixture.site));
        assertThat(browser.text("message")).contains("did not come from this site");

        // 2. Post the link form directly.
        browser.driver().get(attackerOrigin + "/link");
        browser.until().until(d -> d.getCurrentUrl().startsWith(fixture.site));
        assertThat(browser.text("message")).contains("Sign in first");

        assertThat(fixture.app.store().links().linkOfMember("mallory")).isEmpty();
        assertThat(fixture.app.store().links().linkOfUser(victimLine)).isEmpty();
        assertThat(fixture.app.store().links().links()).extracting(Link::memberId).doesNotContain("mallory");
        assertThat(fixture.app.store().links().auditTrail(50)).extracting(AuditEntry::memberId).doesNotContain("mallory");
        browser.driver().get(fixture.site + "/");
        assertThat(browser.text("member-id")).as("still the victim's own session").isEqualTo("victim");
    }
}
