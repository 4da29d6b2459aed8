package io.linegate.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.linegate.core.Json;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A dead letter's body as an operator may see it: reply tokens, access tokens, secrets, passwords and
 * nonces replaced by {@value #MASK}, wherever they sit in the JSON; a body that is not JSON has the same
 * fields masked by pattern. Cut at {@value #MAX_CHARS} characters.
 */
final class Redaction {
    static final String MASK = "[redacted]";
    static final int MAX_CHARS = 64 * 1024;
    private static final Pattern SECRET_FIELD = Pattern.compile(
            "(\"[A-Za-z_]*(?i:token|secret|password|nonce)[A-Za-z_]*\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"");

    private Redaction() {}

    static boolean secretName(String field) {
        String f = field.toLowerCase(Locale.ROOT);
        return f.contains("token") || f.contains("secret") || f.contains("password") || f.contains("nonce");
    }

    static String redact(String payload) {
        if (payload == null) {
            return "";
        }
        String out;
        try {
            JsonNode tree = Json.mapper().readTree(payload);
            mask(tree);
            out = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(tree);
        } catch (Exception e) {
            out = SECRET_FIELD.matcher(payload).replaceAll("$1\"" + MASK + "\"");
        }
        return out.length() > MAX_CHARS ? out.substring(0, MAX_CHARS) + "\n… (cut at " + MAX_CHARS + " characters)" : out;
    }

    private static void mask(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (secretName(e.getKey()) && e.getValue().isValueNode()) {
                    e.setValue(TextNode.valueOf(MASK));
                } else {
                    mask(e.getValue());
                }
            }
        } else if (node != null && node.isArray()) {
            node.forEach(Redaction::mask);
        }
    }
}
