package io.linegate.emulator.http;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.QueryParams;
import io.linegate.core.Json;
import io.linegate.emulator.domain.ApiException.Detail;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Predicate;

/**
 * Validates Messaging API requests against LINE's official {@code messaging-api.yml} (a copy in
 * {@code src/main/resources/openapi/}, Apache-2.0). Only what the emulator does not check itself is
 * reported: authentication, content type and JSON syntax are answered earlier with the platform's own
 * messages, so those validation categories are ignored here.
 */
public final class SpecValidator {
    private final OpenApiInteractionValidator validator;
    private final SpecFailures failures;
    private final Predicate<String> covers;

    private SpecValidator(OpenApiInteractionValidator validator, JsonNode spec, Predicate<String> covers) {
        this.validator = validator;
        this.failures = new SpecFailures(spec);
        this.covers = covers;
    }

    /** Whether this spec defines the route {@code template} (checked first to last by the pipeline). */
    public boolean covers(String template) {
        return covers.test(template);
    }

    /**
     * Loads the bundled messaging-api.yml with LINE's documented {@link Tolerances}. Parsing takes a
     * moment, so an emulator does it once. It covers every {@code /v2/bot/} route not claimed by an
     * earlier validator.
     */
    public static SpecValidator messagingApi() {
        return of(messagingApiTree(), t -> true);
    }

    /** The bundled manage-audience.yml: the {@code /v2/bot/audienceGroup} routes. */
    public static SpecValidator manageAudience() {
        return of(tree("/openapi/manage-audience.yml"), t -> t.startsWith("/v2/bot/audienceGroup"));
    }

    /** The bundled insight.yml: the {@code /v2/bot/insight} routes. */
    public static SpecValidator insight() {
        return of(tree("/openapi/insight.yml"), t -> t.startsWith("/v2/bot/insight"));
    }

    /** The bundled liff.yml: the LIFF Server API's {@code /liff/v1/} routes. */
    public static SpecValidator liff() {
        return of(tree("/openapi/liff.yml"), t -> t.startsWith("/liff/v1/"));
    }

    /** The bundled shop.yml: mission stickers, {@code /shop/v3/}. */
    public static SpecValidator shop() {
        return of(tree("/openapi/shop.yml"), t -> t.startsWith("/shop/v3/"));
    }

    /** The bundled module.yml: the module channel's routes (bot list, detach, chat control). */
    public static SpecValidator module() {
        return of(tree("/openapi/module.yml"), t -> t.equals("/v2/bot/list") || t.equals("/v2/bot/channel/detach")
                || t.startsWith("/v2/bot/chat/{chatId}/control/"));
    }

    private static SpecValidator of(JsonNode tree, Predicate<String> covers) {
        String json;
        try {
            json = Json.mapper().writeValueAsString(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new SpecValidator(OpenApiInteractionValidator
                .createForInlineApiSpecification(json)
                .withLevelResolver(LevelResolver.create()
                        .withLevel("validation.request.security", ValidationReport.Level.IGNORE)
                        .withLevel("validation.request.contentType", ValidationReport.Level.IGNORE)
                        .withLevel("validation.request.body.unexpected", ValidationReport.Level.IGNORE)
                        .withLevel("validation.request.path.missing", ValidationReport.Level.IGNORE)
                        .withLevel("validation.request.operation.notAllowed", ValidationReport.Level.IGNORE)
                        .withLevel("validation.request.parameter.header", ValidationReport.Level.IGNORE)
                        .withLevel("validation.schema.unknown", ValidationReport.Level.IGNORE)
                        .withLevel("validation.request.body.schema.additionalProperties", ValidationReport.Level.IGNORE)
                        .build())
                // Subtypes are allOf(Message, {...}); merged, so that neither half rejects the other's fields.
                .withResolveCombinators(true)
                .build(), tree, covers);
    }

    /** A bundled spec as a tree with the discriminator amendments below. */
    static JsonNode tree(String resource) {
        try {
            JsonNode root = Json.yaml().readTree(resource(resource));
            amend(root);
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Two amendments to the copy, neither of which loosens what LINE checks:
     * LINE's schemas name a discriminator ({@code type}) without listing it as required, which the
     * validator's JSON Schema engine rejects as a syntax error. A discriminator is required in
     * practice (the platform cannot pick a subtype without it), so the copy is amended to say so.
     */
    public static String discriminatorsRequired(String yaml) {
        try {
            JsonNode root = Json.yaml().readTree(yaml);
            amend(root);
            return Json.mapper().writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void amend(JsonNode node) {
        if (node.isObject()) {
            ObjectNode o = (ObjectNode) node;
            String prop = o.path("discriminator").path("propertyName").asText(null);
            if (prop != null) {
                ArrayNode req = o.has("required") && o.get("required").isArray()
                        ? (ArrayNode) o.get("required") : o.putArray("required");
                boolean present = false;
                for (JsonNode r : req) {
                    present |= r.asText().equals(prop);
                }
                if (!present) {
                    req.add(prop);
                }
            }
            // The validator forbids unlisted properties unless told otherwise, which breaks allOf
            // subtypes (each half rejects the other's fields). The platform ignores unknown fields.
            if ((o.has("properties") || "object".equals(o.path("type").asText())) && !o.has("additionalProperties")) {
                o.put("additionalProperties", true);
            }
            o.elements().forEachRemaining(SpecValidator::amend);
        } else if (node.isArray()) {
            node.elements().forEachRemaining(SpecValidator::amend);
        }
    }

    /**
     * The bundled messaging-api.yml as a tree, with the same amendments the validator uses: LINE's
     * documented {@link Tolerances}, then the discriminator amendments above.
     */
    public static JsonNode messagingApiTree() {
        try {
            JsonNode root = Json.yaml().readTree(resource("/openapi/messaging-api.yml"));
            Tolerances.applyMessagingApi((ObjectNode) root);
            amend(root);
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String resource(String name) {
        try (InputStream in = SpecValidator.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The spec's complaints about a JSON request, as LINE-shaped details; empty when it conforms. */
    public List<Detail> validate(String method, String path, String rawQuery, AggregatedHttpRequest req) {
        SimpleRequest.Builder b = new SimpleRequest.Builder(Request.Method.valueOf(method), path);
        if (rawQuery != null) {
            QueryParams q = QueryParams.fromQueryString(rawQuery);
            for (String name : q.names()) {
                b.withQueryParam(name, q.getAll(name));
            }
        }
        if (req.contentType() != null) {
            b.withContentType(req.contentType().toString());
        }
        if (!req.content().isEmpty()) {
            b.withBody(req.content().array());
        }
        return failures.details(validator.validateRequest(b.build()));
    }

}
