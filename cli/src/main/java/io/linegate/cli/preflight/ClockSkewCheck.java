package io.linegate.cli.preflight;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The bot server's clock agrees with LINE's (the {@code Date} header of the Messaging API): ID tokens
 * are checked against it ({@code exp}, {@code iat}, with LineLogin's default 2 minutes of skew) and
 * reply tokens age by it. The server's clock is read from {@code /admin/status} (milliseconds) when
 * the admin API is available, else from its own {@code Date} header.
 */
final class ClockSkewCheck extends Check {
    static final Duration WARN_OVER = Duration.ofSeconds(5);
    static final Duration FAIL_OVER = Duration.ofMinutes(2);

    /** Where a clock stands relative to ours, and how sure we are. */
    record Offset(long millis, long uncertaintyMillis) {}

    ClockSkewCheck() {
        super("clock.skew", "clock against LINE's", Guidelines.ID_TOKEN, Gates.BOT, Gates.LINE);
    }

    @Override
    public CheckResult run(Deployment d) {
        long t0 = System.currentTimeMillis();
        Http.Response line = d.lineGet("/v2/bot/info");
        long t1 = System.currentTimeMillis();
        String lineDate = line.header("date");
        if (lineDate == null) {
            return warn("not checked: LINE's answer had no Date header (" + line.outcome() + ")");
        }
        Offset lineOffset = fromDateHeader(lineDate, t0, t1);
        Offset botOffset;
        String botClock;
        if (d.adminStatus != null) {
            URI status = d.target.adminUrl().resolve("/admin/status");
            long s0 = System.currentTimeMillis();
            Http.Response res = Http.get(d.strict, status,
                    Map.of("authorization", "Bearer " + d.target.adminToken().reveal()), d.timeout());
            long s1 = System.currentTimeMillis();
            String time = Deployment.json(res.body()).path("time").asText(null);
            if (time == null) {
                return warn("not checked: " + status + " did not say the time (" + res.outcome() + ")");
            }
            botOffset = new Offset(Instant.parse(time).toEpochMilli() - (s0 + s1) / 2, (s1 - s0) / 2);
            botClock = "the server's clock (" + status + ")";
        } else {
            URI health = Deployment.origin(d.target.webhookUrl()).resolve("/health");
            long s0 = System.currentTimeMillis();
            Http.Response res = Http.get(d.anyCertificate, health, Map.of(), d.timeout());
            long s1 = System.currentTimeMillis();
            if (res.header("date") == null) {
                return warn("not checked: the bot server sends no Date header (" + health + ": " + res.outcome() + ")");
            }
            botOffset = fromDateHeader(res.header("date"), s0, s1);
            botClock = "the server's Date header";
        }
        long skew = botOffset.millis() - lineOffset.millis();
        long uncertainty = botOffset.uncertaintyMillis() + lineOffset.uncertaintyMillis();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("skewMs", skew);
        details.put("uncertaintyMs", uncertainty);
        details.put("serverClock", botClock);
        String measured = "the bot server's clock is " + seconds(Math.abs(skew)) + (skew >= 0 ? " ahead of" : " behind")
                + " LINE's (± " + seconds(uncertainty) + ", from " + botClock + ")";
        long sure = Math.abs(skew) - uncertainty;
        if (sure > FAIL_OVER.toMillis()) {
            return result(Status.FAIL, measured + ": ID tokens and reply-token ages are judged wrong beyond 2 minutes;"
                    + " synchronize it with NTP", details);
        }
        if (sure > WARN_OVER.toMillis()) {
            return result(Status.WARN, measured + ": synchronize it with NTP", details);
        }
        return result(Status.PASS, measured, details);
    }

    /** A Date header has whole seconds: the true time lies in the second it names, sent between t0 and t1. */
    static Offset fromDateHeader(String date, long t0, long t1) {
        long at = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli() + 500;
        return new Offset(at - (t0 + t1) / 2, 500 + (t1 - t0) / 2);
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
