package io.linegate.cli.preflight;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the checklist: the gates first, then every check whose gates passed. A check that throws is a
 * failure carrying the exception's message (the stack trace goes to the debug log only).
 */
public final class Preflight {
    private static final Logger log = LoggerFactory.getLogger(Preflight.class);

    private Preflight() {}

    /** The gates, in order. */
    static List<Check> gates() {
        return List.of(new BotReachable(), new LineAccess(), new AdminAccess());
    }

    /** The checklist, in the order of the guidelines' release items. */
    static List<Check> checks() {
        return List.of(
                // the right webhook URL, and the bot server able to process webhook events
                new WebhookEndpointCheck(), new WebhookTestCheck(), new ResponseSettingsCheck(),
                new TlsVersionsCheck(), new CertificateCheck(), new HttpVersionsCheck(), new SignatureCheck(),
                new VerifyLatencyCheck(), new AdminExposureCheck(),
                // the precautions for sending API requests
                new TokenCheck(), new ApiLogCheck(), new RetryAndRateLimitCheck(),
                // operations
                new DeadLettersCheck(), new BacklogCheck(), new StoreCheck(), new ClockSkewCheck(),
                // LINE Login, when configured
                new LoginCallbacksCheck(), new LoginStateCheck());
    }

    public static Report run(Deployment d) {
        return run(d, List.of());
    }

    /** The checklist and {@code more} checks of the deployment's parts (its journal on Kafka), after it. */
    public static Report run(Deployment d, List<Check> more) {
        Map<String, CheckResult> gates = new LinkedHashMap<>();
        List<CheckResult> results = new ArrayList<>();
        for (Check gate : gates()) {
            CheckResult r = safely(gate, d);
            gates.put(gate.id(), r);
            results.add(r);
        }
        Map<String, List<String>> notRun = new LinkedHashMap<>();
        List<Check> all = new ArrayList<>(checks());
        all.addAll(more);
        for (Check c : all) {
            String blocking = c.needs().stream().filter(g -> gates.get(g).status() != Status.PASS).findFirst().orElse(null);
            if (blocking != null) {
                notRun.computeIfAbsent(blocking, k -> new ArrayList<>()).add(c.id());
                results.add(new CheckResult(c.id(), c.title(), Status.SKIP, "not run: " + gates.get(blocking).title()
                        + " did not pass", c.guideline(), null));
            } else {
                results.add(safely(c, d));
            }
        }
        return new Report(d.target.webhookUrl(), results, notRun);
    }

    private static CheckResult safely(Check c, Deployment d) {
        try {
            return c.run(d);
        } catch (Exception | LinkageError e) {
            log.debug("check {} failed", c.id(), e);
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new CheckResult(c.id(), c.title(), Status.FAIL, "could not check: " + m, c.guideline(), null);
        }
    }
}
