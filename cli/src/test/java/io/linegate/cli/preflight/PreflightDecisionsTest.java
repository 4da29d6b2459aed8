package io.linegate.cli.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checks' decisions on given facts, apart from the network that gathers them. */
class PreflightDecisionsTest {

    @Test
    void theCombinationTheGuidelinesForbidFailsEvenThoughNoConsoleWouldStoreIt() {
        var forbidden = ResponseSettingsCheck.evaluate(new ResponseSettingsCheck.Settings(false, false, false, false));
        assertThat(forbidden.status()).isEqualTo(Status.FAIL);
        assertThat(forbidden.reason()).contains("all off is a combination the guidelines forbid");

        assertThat(ResponseSettingsCheck.evaluate(new ResponseSettingsCheck.Settings(false, true, false, false)).status())
                .isEqualTo(Status.PASS);
        assertThat(ResponseSettingsCheck.evaluate(new ResponseSettingsCheck.Settings(false, false, true, false)).status())
                .isEqualTo(Status.PASS);
        assertThat(ResponseSettingsCheck.evaluate(new ResponseSettingsCheck.Settings(true, true, true, false)).status())
                .isEqualTo(Status.WARN);
        var bot = ResponseSettingsCheck.evaluate(new ResponseSettingsCheck.Settings(true, false, true, true));
        assertThat(bot.status()).isEqualTo(Status.PASS);
        assertThat(bot.reason()).contains("chat on");
    }

    @Test
    void aLowDiskIsAWarningBeforeItIsAFailureAndAStoreThatCannotWriteFails() throws Exception {
        long mib = 1024L * 1024;
        try (Deployment d = new Deployment(new Deployment.Target(URI.create("https://bot.example.com/webhook"), null, null, null,
                null, null, null, null, List.of(), 0, null, List.of(), null, Duration.ofSeconds(1)))) {
            StoreCheck check = new StoreCheck();
            d.adminStatus = store(true, 500 * 1024 * mib, 1000 * 1024 * mib);
            assertThat(check.run(d).status()).isEqualTo(Status.PASS);
            d.adminStatus = store(true, 900 * mib, 1000 * 1024 * mib);
            assertThat(check.run(d).status()).as("under 1 GiB free").isEqualTo(Status.WARN);
            assertThat(check.run(d).reason()).contains("900 MiB free").contains("little room left");
            d.adminStatus = store(true, 40 * 1024 * mib, 1000 * 1024 * mib);
            assertThat(check.run(d).status()).as("under 5 %% free").isEqualTo(Status.WARN);
            d.adminStatus = store(true, 60 * mib, 1000 * 1024 * mib);
            assertThat(check.run(d).status()).as("under 64 MiB free").isEqualTo(Status.FAIL);
            d.adminStatus = store(false, 500 * 1024 * mib, 1000 * 1024 * mib);
            ((ObjectNode) d.adminStatus.path("store")).put("writeProblem", "the disk is full (SQLITE_FULL)");
            assertThat(check.run(d).status()).isEqualTo(Status.FAIL);
            assertThat(check.run(d).reason()).contains("cannot write (the disk is full (SQLITE_FULL))");
        }
    }

    private static ObjectNode store(boolean writable, long usable, long total) {
        ObjectNode status = new ObjectMapper().createObjectNode();
        status.putObject("store").put("location", "sqlite:/var/lib/linegate").put("reachable", true).put("writable", writable)
                .put("usableBytes", usable).put("totalBytes", total).put("dataDir", "/var/lib/linegate");
        return status;
    }

    @Test
    void wildcardsMatchExactlyOneLeftMostLabel() {
        assertThat(HostNames.dnsMatches("*.example.com", "bot.example.com")).isTrue();
        assertThat(HostNames.dnsMatches("*.EXAMPLE.com", "Bot.example.com.")).isTrue();
        assertThat(HostNames.dnsMatches("*.example.com", "example.com")).isFalse();
        assertThat(HostNames.dnsMatches("*.example.com", "a.bot.example.com")).isFalse();
        assertThat(HostNames.dnsMatches("*.com", "example.com")).isFalse();
        assertThat(HostNames.dnsMatches("bot.example.com", "bot.example.org")).isFalse();
    }

    @Test
    void theNinetyNinthPercentileIsTheNearestRank() {
        assertThat(VerifyLatencyCheck.percentile(List.of(5L, 1L, 3L, 2L, 4L), 50)).isEqualTo(3);
        assertThat(VerifyLatencyCheck.percentile(List.of(5L, 1L, 3L, 2L, 4L), 99)).isEqualTo(5);
        List<Long> hundred = new ArrayList<>();
        for (long i = 1; i <= 100; i++) {
            hundred.add(i);
        }
        assertThat(VerifyLatencyCheck.percentile(hundred, 99)).isEqualTo(99);
        assertThat(VerifyLatencyCheck.percentile(List.of(), 99)).isZero();
    }

    @Test
    void lifetimesReadAsTwoUnits() {
        assertThat(TokenCheck.human(Duration.ofDays(30))).isEqualTo("30 d");
        assertThat(TokenCheck.human(Duration.ofDays(30).minusSeconds(1))).isEqualTo("29 d 23 h");
        assertThat(TokenCheck.human(Duration.ofMinutes(15).minusSeconds(1))).isEqualTo("14 min 59 s");
        assertThat(TokenCheck.human(Duration.ofSeconds(7))).isEqualTo("7 s");
    }

    @Test
    void aCertificateIsJudgedOnItsDatesItsNamesAndItsIssuer() throws Exception {
        Instant now = Instant.now();
        SelfSignedCertificate good = cert("localhost", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)));
        SelfSignedCertificate stranger = cert("localhost", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)));
        Path trusted = Files.createTempFile("trusted", ".pem");
        Files.copy(good.certificate().toPath(), trusted, StandardCopyOption.REPLACE_EXISTING);
        try {
            Trust trust = Trust.of(List.of(trusted));
            CertificateCheck check = new CertificateCheck();
            X509Certificate[] chain = {good.cert()};
            assertThat(check.judge(chain, "localhost", trust, now).status()).isEqualTo(Status.PASS);
            assertThat(check.judge(chain, "LOCALHOST", trust, now).status()).isEqualTo(Status.PASS);
            assertThat(check.judge(chain, "bot.example.com", trust, now).reason())
                    .isEqualTo("issued for localhost, not for bot.example.com");
            assertThat(check.judge(chain, "localhost", trust, now.plus(Duration.ofDays(70))).status()).isEqualTo(Status.WARN);
            assertThat(check.judge(chain, "localhost", trust, now.plus(Duration.ofDays(91))).reason()).startsWith("expired on ");
            assertThat(check.judge(new X509Certificate[] {stranger.cert()}, "localhost", trust, now).reason())
                    .startsWith("not issued by a CA this client trusts");
            assertThat(check.judge(new X509Certificate[] {stranger.cert()}, "localhost", Trust.of(List.of()), now).status())
                    .isEqualTo(Status.FAIL);
        } finally {
            good.delete();
            stranger.delete();
            Files.deleteIfExists(trusted);
        }
    }

    private static SelfSignedCertificate cert(String host, Instant from, Instant to) throws Exception {
        return new SelfSignedCertificate(host, Date.from(from), Date.from(to), "RSA", 2048);
    }
}
