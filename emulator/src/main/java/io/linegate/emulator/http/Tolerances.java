package io.linegate.emulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Consumer;

/**
 * What LINE accepts beyond its own OpenAPI file, in one place. Each entry names the LINE
 * documentation that says the platform accepts it, and amends the emulator's copy of the spec so
 * that the request check accepts it too. Nothing here loosens a check LINE documents; an entry
 * only adds what the spec file leaves out. The README's "Accepted beyond the OpenAPI files" lists
 * the same entries.
 */
public final class Tolerances {
    /** One documented tolerance: what is accepted, where LINE says so, and the amendment of the spec. */
    public record Tolerance(String accepts, String documentation, Consumer<ObjectNode> amendment) {}

    /**
     * Every tolerance of the Messaging API check. Amendments run on the spec as a JSON tree, before
     * the validator reads it.
     */
    public static final List<Tolerance> MESSAGING_API = List.of(
            new Tolerance(
                    "The Flex Message spacer component {\"type\":\"spacer\",\"size\":xs|sm|md|lg|xl|xxl}: deprecated, "
                            + "still accepted (the official Java SDK's kitchensink sample sends one in its footer)",
                    "LINE Developers, Messaging API reference, \"Flex Message\" > \"Spacer\" (deprecated: use "
                            + "padding and margin instead), and \"Flex Message layout\" > \"Spacing between components\"",
                    Tolerances::flexSpacer));

    private Tolerances() {}

    /** Applies every Messaging API tolerance to the spec tree (the root of messaging-api.yml). */
    public static void applyMessagingApi(ObjectNode spec) {
        for (Tolerance t : MESSAGING_API) {
            t.amendment().accept(spec);
        }
    }

    /** {@code spacer} joins FlexComponent's discriminator with its documented {@code size} values. */
    private static void flexSpacer(ObjectNode spec) {
        ObjectNode schemas = (ObjectNode) spec.path("components").path("schemas");
        JsonNode component = schemas.path("FlexComponent");
        if (!component.isObject() || schemas.has("FlexSpacer")) {
            return;
        }
        ((ObjectNode) component.path("discriminator").path("mapping")).put("spacer", "#/components/schemas/FlexSpacer");
        ObjectNode spacer = schemas.putObject("FlexSpacer");
        spacer.put("type", "object");
        spacer.put("description", "Deprecated; accepted by the platform (see Tolerances)");
        ArrayNode allOf = spacer.putArray("allOf");
        allOf.addObject().put("$ref", "#/components/schemas/FlexComponent");
        ObjectNode own = allOf.addObject();
        own.put("type", "object");
        ObjectNode size = own.putObject("properties").putObject("size");
        size.put("type", "string");
        ArrayNode values = size.putArray("enum");
        for (String v : List.of("xs", "sm", "md", "lg", "xl", "xxl")) {
            values.add(v);
        }
    }
}
