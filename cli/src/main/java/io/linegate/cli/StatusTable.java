package io.linegate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A JSON report ({@code /admin/status}) as a two-column table for a terminal: one row per value, in the
 * report's order, a nested object's values as {@code section.key}, lists joined, byte counts and
 * remaining seconds also said in units a person reads.
 */
final class StatusTable {
    private StatusTable() {}

    static String of(JsonNode report) {
        List<String[]> rows = new ArrayList<>();
        flatten("", report, rows);
        int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            out.append(String.format(Locale.ROOT, "%-" + width + "s  %s%n", row[0], row[1]));
        }
        return out.toString().stripTrailing();
    }

    private static void flatten(String prefix, JsonNode node, List<String[]> rows) {
        if (node.isObject() && (prefix.isEmpty() || node.size() > 0)) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), rows);
            }
            return;
        }
        rows.add(new String[] {prefix, value(prefix, node)});
    }

    private static String value(String key, JsonNode node) {
        if (node.isNull() || node.isMissingNode()) {
            return "-";
        }
        if (node.isArray() || node.isObject()) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(item.isValueNode() ? item.asText() : item.toString()));
            return items.isEmpty() ? "none" : String.join(", ", items);
        }
        if (node.isIntegralNumber() && key.endsWith("Bytes")) {
            return node.asLong() + " (" + bytes(node.asLong()) + ")";
        }
        if (node.isIntegralNumber() && key.endsWith("Seconds")) {
            return node.asLong() + " (" + Duration.ofSeconds(node.asLong()).toString().substring(2).toLowerCase(Locale.ROOT) + ")";
        }
        return node.asText();
    }

    static String bytes(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
