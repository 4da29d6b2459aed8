package io.linegate.examples.membersite;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Server;
import io.linegate.core.Secret;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WindowType;

/**
 * A page on another origin (served at {@code 127.0.0.1} while the site is at {@code localhost})
 * auto-submits the site's state-changing forms in headless Chromium: sign-out, and the sign-in form
 * (which used to replace the browser's sign-in cookie). Neither changes anything: the member stays
 * signed in, the session lives, and the sign-in form open in another tab still works.
 */
@Timeout(180)
class CrossSiteFormsBrowserTest {
    @TempDir
    Path dir;
    SiteFixture fixture;
    SiteFixture.Chromium browser;
    Server attacker;

    @BeforeEach
    void start() throws Exception {
        browser = SiteFixture.chromium(dir.resolve("chromium"));
        fixture = new SiteFixture(dir.resolve("data"), Map.of("alice", Secret.of("alice-password", "password")));
        String site = fixture.site;
        attacker = Server.builder().http(new InetSocketAddress("127.0.0.1", 0))
                .service("/sign-out", (ctx, req) -> page("""
                        <form id="f" method="post" action="%s/signout"></form>
                        <script>document.getElementById('f').submit();</script>""".formatted(site)))
                .service("/sign-in", (ctx, req) -> page("""
                        <form id="f" method="post" action="%s/signin"><input name="member" value="x"></form>
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

    String attackerOrigin() {
        return "http://127.0.0.1:" + attacker.activeLocalPort();
    }

    @Test
    void aCrossSiteSignOutChangesNothing() {
        browser.signIn(fixture.site, "alice", "alice-password");
        Cookie session = browser.driver().manage().getCookieNamed(Sessions.COOKIE);
        assertThat(session).isNotNull();

        browser.driver().get(attackerOrigin() + "/sign-out");
        browser.until().until(d -> d.getCurrentUrl().startsWith(fixture.site) && d.getPageSource().contains("</body>"));
        Cookie after = browser.driver().manage().getCookieNamed(Sessions.COOKIE);
        assertThat(after).as("the browser's session cookie").isNotNull();
        assertThat(after.getValue().equals(session.getValue())).as("the session cookie unchanged (values not printed)").isTrue();
        assertThat(browser.text("message")).contains("nothing was changed");

        browser.driver().get(fixture.site + "/");
        assertThat(browser.text("member-id")).as("still signed in, the session alive on the server").isEqualTo("alice");
        browser.click("sign-out");
        browser.until().until(d -> d.getPageSource().contains("id=\"sign-in\""));
        assertThat(browser.driver().manage().getCookieNamed(Sessions.COOKIE)).as("the site's own form signs out").isNull();
    }

    @Test
    void aCrossSiteSignInPostLeavesTheOpenSignInFormWorking() {
        browser.driver().get(fixture.site + "/");
        Cookie form = browser.until().until(d -> d.manage().getCookieNamed(Sessions.SIGN_IN_COOKIE));
        String siteTab = browser.driver().getWindowHandle();

        browser.driver().switchTo().newWindow(WindowType.TAB);
        browser.driver().get(attackerOrigin() + "/sign-in");
        browser.until().until(d -> d.getCurrentUrl().startsWith(fixture.site) && d.getPageSource().contains("</body>"));
        Cookie after = browser.driver().manage().getCookieNamed(Sessions.SIGN_IN_COOKIE);
        assertThat(after).as("the sign-in form's cookie").isNotNull();
        assertThat(after.getValue().equals(form.getValue())).as("the sign-in cookie unchanged (values not printed)").isTrue();
        assertThat(browser.text("message")).contains("did not come from this site");

        browser.driver().switchTo().window(siteTab); // the form loaded before the attack, never reloaded
        browser.type("member", "alice");
        browser.type("password", "alice-password");
        browser.click("sign-in");
        assertThat(browser.text("member-id")).isEqualTo("alice");
    }
}
