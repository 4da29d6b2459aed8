package io.linegate.emulator.chat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Debian Chromium through chromium-driver. Without them the test is skipped, saying what is
 * missing; with {@code LINEGATE_REQUIRE_BROWSER=1} (CI) it fails instead. Also used by the demo's
 * browser test in cli, through this module's test jar.
 */
public final class Chromium {
    static final String BINARY = System.getProperty("chromium.binary", "/usr/bin/chromium");
    static final String DRIVER = System.getProperty("chromedriver.binary", "/usr/bin/chromedriver");

    private Chromium() {}

    public static ChromeDriver start(Path profile) throws Exception {
        List<String> missing = new ArrayList<>();
        if (!new File(BINARY).canExecute()) {
            missing.add("Debian's chromium at " + BINARY);
        }
        if (!new File(DRIVER).canExecute()) {
            missing.add("Debian's chromium-driver at " + DRIVER);
        }
        if (!missing.isEmpty()) {
            String reason = "needs " + String.join(" and ", missing) + " (apt-get install chromium chromium-driver)";
            if ("1".equals(System.getenv("LINEGATE_REQUIRE_BROWSER"))) {
                Assertions.fail(reason + "; LINEGATE_REQUIRE_BROWSER=1 requires it");
            }
            Assumptions.abort(reason);
        }
        ChromeOptions options = new ChromeOptions().setBinary(BINARY)
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--window-size=1280,900", "--user-data-dir=" + Files.createDirectories(profile));
        return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER))
                .usingAnyFreePort().build(), options);
    }
}
