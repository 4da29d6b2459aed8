package io.linegate.emulator.http;

import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.linegate.emulator.domain.ApiException.Detail;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the OpenAPI validator's report into LINE's error details: one detail per failure that
 * caused it, at the deepest property that failed, worded as LINE words its details (Messaging API
 * reference, "Error responses": {@code {"message":"May not be empty","property":"messages[0].text"}},
 * {@code "Must be one of the following values: [...]"}).
 *
 * <p>The validator reports a failure inside a discriminated or combined schema ({@code oneOf},
 * {@code allOf}, a {@code discriminator}) as one message at the outer object ("Failed validation of
 * discriminator schema ...", at {@code messages[0]}), with the real failures nested under it. The
 * nested tree is walked down to its leaves: those are the failures a developer must fix. Of the
 * alternatives of a {@code oneOf} or {@code anyOf} without a discriminator, only the ones that got
 * deepest into the request are kept, because those are the alternatives the request meant.
 */
final class SpecFailures {
    private static final Pattern QUOTED_LIST = Pattern.compile("\\[([^\\]]*)\\]");
    private static final Pattern MAX_ALLOWED = Pattern.compile("maximum allowed: (\\d+)");
    private static final Pattern MIN_REQUIRED = Pattern.compile("required minimum: (\\d+)");
    private static final Pattern AT_MOST = Pattern.compile("at most (\\d+)");
    private static final Pattern AT_LEAST = Pattern.compile("at least (\\d+)");
    private static final Pattern MAXIMUM = Pattern.compile("maximum: ([-\\d.Ee]+)");
    private static final Pattern MINIMUM = Pattern.compile("minimum: ([-\\d.Ee]+)");
    private static final Pattern DISCRIMINATOR_FIELD = Pattern.compile("Discriminator field '([^']+)'");
    private static final Pattern REGEX = Pattern.compile("regex \"(.*)\" does not match");
    private static final Pattern ALLOWED_TYPES = Pattern.compile("allowed: \\[([^\\]]*)\\]");

    private final JsonNode spec;

    SpecFailures(JsonNode spec) {
        this.spec = spec;
    }

    /** The details for the report's errors (messages at ERROR level only), in the order found. */
    List<Detail> details(ValidationReport report) {
        Set<Detail> out = new LinkedHashSet<>();
        for (ValidationReport.Message m : report.getMessages()) {
            if (m.getLevel() != ValidationReport.Level.ERROR) {
                continue;
            }
            List<ValidationReport.Message> leaves = new ArrayList<>();
            leaves(m, leaves);
            // A discriminator's "no schema for this value" repeats the "not a valid value" leaf.
            boolean invalidValue = leaves.stream().anyMatch(SpecFailures::invalidDiscriminatorValue);
            for (ValidationReport.Message leaf : leaves) {
                if (invalidValue && leaf.getMessage().contains("Could not find any schema spec")) {
                    continue;
                }
                out.addAll(translate(leaf));
            }
        }
        return new ArrayList<>(out);
    }

    private static void leaves(ValidationReport.Message m, List<ValidationReport.Message> out) {
        List<ValidationReport.Message> nested = m.getNestedMessages();
        if (nested.isEmpty()) {
            if (!ignored(m.getKey())) {
                out.add(m);
            }
            return;
        }
        if (m.getKey().endsWith(".oneOf") || m.getKey().endsWith(".anyOf")) {
            // The alternatives that got furthest into the request are the ones it meant.
            List<ValidationReport.Message> all = new ArrayList<>();
            for (ValidationReport.Message n : nested) {
                leaves(n, all);
            }
            int deepest = all.stream().mapToInt(SpecFailures::depth).max().orElse(0);
            all.stream().filter(l -> depth(l) == deepest).forEach(out::add);
            return;
        }
        for (ValidationReport.Message n : nested) {
            leaves(n, out);
        }
    }

    /** Categories the emulator answers itself or that the platform ignores (see SpecValidator). */
    private static boolean ignored(String key) {
        return key.endsWith(".additionalProperties") || key.endsWith("schema.unknown");
    }

    private static boolean invalidDiscriminatorValue(ValidationReport.Message m) {
        return m.getKey().endsWith(".discriminator") && m.getMessage().contains("is not the name of a valid definition");
    }

    private static int depth(ValidationReport.Message m) {
        String p = instance(m);
        return p == null ? 0 : p.split("/", -1).length;
    }

    private static String instance(ValidationReport.Message m) {
        return m.getContext().flatMap(ValidationReport.MessageContext::getPointers)
                .map(ValidationReport.MessageContext.Pointers::getInstance).orElse(null);
    }

    private static String schemaPointer(ValidationReport.Message m) {
        return m.getContext().flatMap(ValidationReport.MessageContext::getPointers)
                .map(ValidationReport.MessageContext.Pointers::getSchema).orElse(null);
    }

    private List<Detail> translate(ValidationReport.Message m) {
        String property = property(instance(m));
        if (property == null) {
            property = m.getContext().flatMap(ValidationReport.MessageContext::getParameter).map(p -> p.getName()).orElse(null);
        }
        String text = clean(m.getMessage());
        String key = m.getKey();
        String kind = key.substring(key.lastIndexOf('.') + 1);
        switch (kind) {
            case "required": {
                // 'Object has missing required properties (["altText","contents"])': one detail each.
                List<Detail> out = new ArrayList<>();
                for (String name : names(text)) {
                    out.add(new Detail("May not be empty", join(property, name)));
                }
                return out.isEmpty() ? List.of(new Detail(text, property)) : out;
            }
            case "discriminator": {
                Matcher f = DISCRIMINATOR_FIELD.matcher(text);
                if (f.find()) {
                    String field = f.group(1);
                    List<String> values = mappingValues(schemaPointer(m));
                    String message = values.isEmpty() ? text : "Must be one of the following values: [" + String.join(", ", values) + "]";
                    return List.of(new Detail(message, join(property, field)));
                }
                return List.of(new Detail(text, property));
            }
            case "enum":
                return List.of(new Detail("Must be one of the following values: [" + String.join(", ", names(text)) + "]", property));
            case "maxLength":
            case "minLength": {
                JsonNode s = schema(m);
                String min = s.has("minLength") ? s.get("minLength").asText() : first(MIN_REQUIRED, text, "0");
                String max = s.has("maxLength") ? s.get("maxLength").asText() : first(MAX_ALLOWED, text, null);
                return List.of(new Detail(max == null ? "Length must be at least " + min
                        : "Length must be between " + min + " and " + max, property));
            }
            case "maxItems":
            case "minItems": {
                JsonNode s = schema(m);
                String min = s.has("minItems") ? s.get("minItems").asText() : first(AT_LEAST, text, "0");
                String max = s.has("maxItems") ? s.get("maxItems").asText() : first(AT_MOST, text, null);
                return List.of(new Detail(max == null ? "Size must be at least " + min
                        : "Size must be between " + min + " and " + max, property));
            }
            case "maximum":
                return List.of(new Detail("Must be less than or equal to " + first(MAXIMUM, text, "?"), property));
            case "minimum":
                return List.of(new Detail("Must be greater than or equal to " + first(MINIMUM, text, "?"), property));
            case "pattern":
                return List.of(new Detail("Must match \"" + first(REGEX, text, "?") + "\"", property));
            case "type": {
                Matcher a = ALLOWED_TYPES.matcher(text);
                return List.of(new Detail(a.find() ? "Must be of type " + a.group(1).replace("\"", "").replace(",", " or ") : text, property));
            }
            default:
                return List.of(new Detail(text, property));
        }
    }

    /** The discriminator's documented values (the mapping's keys), not the schema names the validator adds. */
    private List<String> mappingValues(String schemaPointer) {
        List<String> out = new ArrayList<>();
        if (schemaPointer == null || spec == null) {
            return out;
        }
        spec.at(schemaPointer).path("discriminator").path("mapping").fieldNames().forEachRemaining(out::add);
        return out;
    }

    private JsonNode schema(ValidationReport.Message m) {
        String p = schemaPointer(m);
        if (p == null || spec == null) {
            return MissingNode.getInstance();
        }
        try {
            return spec.at(p);
        } catch (IllegalArgumentException e) {
            return MissingNode.getInstance();
        }
    }

    private static String first(Pattern p, String text, String fallback) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : fallback;
    }

    /** The quoted names of the first bracketed list: {@code (["a","b"])} -> a, b. */
    private static List<String> names(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = QUOTED_LIST.matcher(text);
        if (m.find()) {
            for (String s : m.group(1).split(",")) {
                String n = s.trim();
                if (n.startsWith("\"") && n.endsWith("\"") && n.length() >= 2) {
                    n = n.substring(1, n.length() - 1);
                }
                if (!n.isEmpty()) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    private static String join(String property, String field) {
        return property == null ? field : property + "." + field;
    }

    /** {@code /messages/0/text} -> {@code messages[0].text}, LINE's property notation. */
    static String property(String pointer) {
        if (pointer == null || pointer.isEmpty() || pointer.equals("/")) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (String part : pointer.substring(1).split("/")) {
            if (part.matches("\\d+")) {
                sb.append('[').append(part).append(']');
            } else {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(part.replace("~1", "/").replace("~0", "~"));
            }
        }
        return sb.toString();
    }

    /** Drops the validator's "[Path '/x'] " prefix: the property carries the path. */
    static String clean(String message) {
        return message.replaceFirst("^\\[Path '[^']*'\\]\\s*", "");
    }
}
