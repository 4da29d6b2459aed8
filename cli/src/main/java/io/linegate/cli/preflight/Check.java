package io.linegate.cli.preflight;

import java.util.List;
import java.util.Map;

/**
 * One item of the release checklist, checked against a real deployment. A check returns a result
 * rather than throwing for anything it expects (a refusal, a timeout); an unexpected exception is
 * reported as a failure with its message, never a stack trace.
 */
public abstract class Check {
    private final String id;
    private final String title;
    private final String guideline;
    private final List<String> needs;

    /** {@code needs}: the gates ({@link Gates}) that must pass before this check can run. */
    protected Check(String id, String title, String guideline, String... needs) {
        this.id = id;
        this.title = title;
        this.guideline = guideline;
        this.needs = List.of(needs);
    }

    public final String id() {
        return id;
    }

    public final String title() {
        return title;
    }

    public final String guideline() {
        return guideline;
    }

    /** The gates ({@link Gates}) that must pass before this check can run. */
    public final List<String> needs() {
        return needs;
    }

    public abstract CheckResult run(Deployment d) throws Exception;

    protected final CheckResult pass(String reason) {
        return result(Status.PASS, reason, null);
    }

    protected final CheckResult warn(String reason) {
        return result(Status.WARN, reason, null);
    }

    protected final CheckResult fail(String reason) {
        return result(Status.FAIL, reason, null);
    }

    protected final CheckResult skip(String reason) {
        return result(Status.SKIP, reason, null);
    }

    protected final CheckResult result(Status status, String reason, Map<String, Object> details) {
        return new CheckResult(id, title, status, reason, guideline, details);
    }
}
