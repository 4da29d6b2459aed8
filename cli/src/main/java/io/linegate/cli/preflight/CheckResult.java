package io.linegate.cli.preflight;

import java.util.Map;

/**
 * What one check found: its status, one line saying why, and the section of LY Corporation's
 * development guidelines (or of LINE's documentation) it comes from; {@code details} holds the
 * figures behind the reason for {@code --json} (never a secret).
 */
public record CheckResult(String id, String title, Status status, String reason, String guideline,
                          Map<String, Object> details) {
    public CheckResult {
        details = details == null ? Map.of() : details;
    }
}
