package io.linegate.cli.preflight;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bot server's certificate chain is trusted (the JVM's public CAs, as LINE's, or {@code --trust}),
 * issued for the webhook URL's host, and valid: expiring within 30 days is a warning, expired a failure.
 */
final class CertificateCheck extends Check {
    static final Duration SOON = Duration.ofDays(30);

    CertificateCheck() {
        super("tls.certificate", "TLS certificate", Guidelines.TLS, Gates.BOT);
    }

    @Override
    public CheckResult run(Deployment d) {
        List<X509Certificate> chain = d.tls().chain();
        if (chain.isEmpty()) {
            return fail("no certificate to check: no TLS handshake with the server succeeded");
        }
        return judge(chain.toArray(new X509Certificate[0]), d.host(), d.trust, Instant.now());
    }

    CheckResult judge(X509Certificate[] chain, String host, Trust trust, Instant now) {
        X509Certificate leaf = chain[0];
        List<String> names = HostNames.of(leaf);
        Instant notAfter = leaf.getNotAfter().toInstant();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("subject", leaf.getSubjectX500Principal().getName());
        details.put("issuer", leaf.getIssuerX500Principal().getName());
        details.put("names", names);
        details.put("notAfter", notAfter.toString());
        List<String> problems = new ArrayList<>();
        boolean outOfDate = false;
        for (X509Certificate c : chain) {
            if (now.isAfter(c.getNotAfter().toInstant())) {
                problems.add((c == leaf ? "expired on " : "a certificate of its chain expired on ") + day(c.getNotAfter().toInstant()));
                outOfDate = true;
            } else if (now.isBefore(c.getNotBefore().toInstant())) {
                problems.add("not valid before " + day(c.getNotBefore().toInstant()));
                outOfDate = true;
            }
        }
        if (!HostNames.matches(leaf, host)) {
            problems.add("issued for " + String.join(", ", names) + ", not for " + host);
        }
        if (!outOfDate) {
            try {
                trust.checkServerTrusted(chain, authType(leaf));
            } catch (CertificateException e) {
                problems.add("not issued by a CA this client trusts (LINE accepts certificates of public CAs;"
                        + " --trust PEM adds a private or development one)");
            }
        }
        if (!problems.isEmpty()) {
            return result(Status.FAIL, String.join("; ", problems), details);
        }
        long days = Duration.between(now, notAfter).toDays();
        String valid = "issued for " + String.join(", ", names) + ", valid until " + day(notAfter) + " (" + days + " days)";
        if (Duration.between(now, notAfter).compareTo(SOON) < 0) {
            return result(Status.WARN, "expires in " + days + " days, on " + day(notAfter) + ": renew it before LINE's"
                    + " webhooks start failing", details);
        }
        return result(Status.PASS, valid, details);
    }

    private static String authType(X509Certificate leaf) {
        switch (leaf.getPublicKey().getAlgorithm()) {
            case "RSA": return "ECDHE_RSA";
            case "EC": return "ECDHE_ECDSA";
            default: return "UNKNOWN";
        }
    }

    private static LocalDate day(Instant i) {
        return LocalDate.ofInstant(i, ZoneOffset.UTC);
    }
}
