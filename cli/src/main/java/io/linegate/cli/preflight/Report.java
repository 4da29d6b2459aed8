package io.linegate.cli.preflight;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.linegate.core.Json;
import java.io.PrintWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The checklist's results, as lines for a person or as JSON for a pipeline. */
public final class Report {
    private final URI url;
    private final List<CheckResult> results;
    private final Map<String, List<String>> notRun;

    Report(URI url, List<CheckResult> results, Map<String, List<String>> notRun) {
        this.url = url;
        this.results = List.copyOf(results);
        this.notRun = notRun;
    }

    public List<CheckResult> results() {
        return results;
    }

    /** True when no check failed: the exit code is 0. */
    public boolean passed() {
        return results.stream().noneMatch(r -> r.status() == Status.FAIL);
    }

    public Map<Status, Integer> counts() {
        Map<Status, Integer> counts = new EnumMap<>(Status.class);
        for (Status s : Status.values()) {
            counts.put(s, 0);
        }
        results.forEach(r -> counts.merge(r.status(), 1, Integer::sum));
        return counts;
    }

    /**
     * One line per check: status, title, reason, and the guideline section. Checks that did not run
     * because a gate did not pass are counted on the gate's line instead of listed one by one.
     */
    public void printText(PrintWriter out) {
        out.println("linegate preflight " + url);
        Set<String> hidden = new HashSet<>();
        notRun.values().forEach(hidden::addAll);
        int width = results.stream().mapToInt(r -> r.title().length()).max().orElse(10);
        for (CheckResult r : results) {
            if (hidden.contains(r.id())) {
                continue;
            }
            String reason = r.reason();
            List<String> blocked = notRun.get(r.id());
            if (blocked != null) {
                reason += " (" + blocked.size() + " check" + (blocked.size() == 1 ? "" : "s") + " that need it not run)";
            }
            out.printf("%-4s  %-" + width + "s  %s  [%s]%n", r.status().name(), r.title(), reason, r.guideline());
        }
        Map<Status, Integer> c = counts();
        out.println(c.get(Status.PASS) + " passed, " + c.get(Status.WARN) + " warnings, " + c.get(Status.FAIL) + " failed, "
                + c.get(Status.SKIP) + " skipped" + (passed() ? "" : ": not ready for release"));
        out.flush();
    }

    public void printJson(PrintWriter out) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("url", url.toString());
        doc.put("passed", passed());
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts().forEach((s, n) -> counts.put(s.label(), n));
        doc.put("counts", counts);
        List<Map<String, Object>> checks = new ArrayList<>();
        for (CheckResult r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            m.put("title", r.title());
            m.put("status", r.status().label());
            m.put("reason", r.reason());
            m.put("guideline", r.guideline());
            if (!r.details().isEmpty()) {
                m.put("details", r.details());
            }
            checks.add(m);
        }
        doc.put("checks", checks);
        try {
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
        out.flush();
    }
}
