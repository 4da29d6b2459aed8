package io.linegate.emulator.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import io.linegate.core.Json;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.domain.Channel;
import io.linegate.emulator.domain.Ids;
import io.linegate.emulator.domain.Platform;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.RateLimiter.Limit;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every operation of {@code messaging-api.yml} that has no hand-written simulation (aggregation
 * units, rich menu aliases and batches, memberships, coupons, PNP...) is still served: the request
 * is validated against the spec by the pipeline, what it carries is stored per channel (bounded), and
 * the answer has the spec's status and the shape of its response schema (required properties, with
 * the spec's examples where it gives them).
 */
final class SpecOperations {
    private static final int MAX_STORED_PER_CHANNEL = 10_000;
    private final JsonNode spec;
    private final Clock clock;

    SpecOperations(JsonNode spec, Clock clock) {
        this.spec = spec;
        this.clock = clock;
    }

    /** Registers the operations {@code router} does not serve yet; returns how many. */
    int register(Router router) {
        // Decide against the hand-written routes only, then add: otherwise a template added here
        // (alias/{richMenuAliasId}) would hide a literal of the spec that comes later (alias/list).
        List<Object[]> toAdd = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> paths = spec.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> p = paths.next();
            String template = p.getKey();
            Iterator<Map.Entry<String, JsonNode>> ops = p.getValue().fields();
            while (ops.hasNext()) {
                Map.Entry<String, JsonNode> o = ops.next();
                HttpMethod method;
                try {
                    method = HttpMethod.valueOf(o.getKey().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    continue; // "parameters" and other non-operation keys
                }
                String sample = template.replaceAll("\\{[^}]+}", "sample");
                if (!router.serves(method, sample)) {
                    toAdd.add(new Object[] {method, template, o.getValue()});
                }
            }
        }
        for (Object[] a : toAdd) {
            HttpMethod method = (HttpMethod) a[0];
            String template = (String) a[1];
            JsonNode op = (JsonNode) a[2];
            router.on(method, template).limit(limitFor(method, template)).to(c -> handle(c, op));
        }
        return toAdd.size();
    }

    /** The rows of Messaging API reference, "Rate limits" that apply to these operations. */
    static Limit limitFor(HttpMethod method, String path) {
        if (path.equals("/v2/bot/richmenu/batch")) {
            return Limit.RICH_MENU_BATCH;
        }
        if (path.equals("/v2/bot/richmenu/progress/batch")
                || (method == HttpMethod.DELETE && path.startsWith("/v2/bot/richmenu/alias/"))) {
            return Limit.RICH_MENU_CHANGE;
        }
        if (path.startsWith("/v2/bot/membership") || path.startsWith("/v2/bot/coupon")) {
            return Limit.PER_SECOND_200;
        }
        return Limit.DEFAULT;
    }

    private Reply handle(Call c, JsonNode op) {
        Channel ch = c.channel();
        String key = "op:" + c.ctx().method() + " " + c.ctx().path();
        byte[] body = c.body();
        if (body.length > 0 && ch.objects().size() < MAX_STORED_PER_CHANNEL) {
            MediaType type = c.request().contentType();
            ch.objects().put(key, type != null && type.is(MediaType.JSON) ? c.json() : BinaryNode.valueOf(body));
        }
        String status = "200";
        JsonNode response = null;
        Iterator<Map.Entry<String, JsonNode>> it = op.path("responses").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> r = it.next();
            if (r.getKey().startsWith("2")) {
                status = r.getKey();
                response = r.getValue();
                break;
            }
        }
        HttpStatus httpStatus = HttpStatus.valueOf(Integer.parseInt(status));
        JsonNode content = response == null ? null : response.path("content");
        if (content == null || content.isMissingNode() || content.isEmpty()) {
            return Reply.json(httpStatus, Json.mapper().createObjectNode());
        }
        JsonNode json = content.get("application/json");
        if (json == null) {
            // A binary download: what an earlier upload to the same path stored, else not found.
            JsonNode stored = ch.objects().get("op:POST " + c.ctx().path());
            if (stored instanceof BinaryNode b) {
                return Reply.bytes(httpStatus, MediaType.OCTET_STREAM, b.binaryValue());
            }
            throw ApiException.notFound();
        }
        return Reply.json(httpStatus, synthesize(json.path("schema"), null, 0, false));
    }

    /** A value of {@code schema}: required properties only, examples and enums where the spec has them. */
    JsonNode synthesize(JsonNode schema, String name, int depth, boolean asParent) {
        schema = resolve(schema);
        if (schema.has("example")) {
            return schema.get("example");
        }
        // A polymorphic type: answer with its first subtype, tagged with its discriminator value.
        // (Not when reached as the parent inside a subtype's allOf, which would loop.)
        JsonNode mapping = schema.path("discriminator").path("mapping");
        if (!asParent && mapping.isObject() && !mapping.isEmpty() && depth <= 8) {
            Map.Entry<String, JsonNode> first = mapping.fields().next();
            JsonNode sub = synthesize(Json.mapper().createObjectNode().put("$ref", first.getValue().asText()), name, depth + 1, false);
            if (sub.isObject()) {
                ((ObjectNode) sub).put(schema.path("discriminator").path("propertyName").asText("type"), first.getKey());
            }
            return sub;
        }
        if (schema.has("allOf")) {
            ObjectNode merged = Json.mapper().createObjectNode();
            for (JsonNode part : schema.get("allOf")) {
                JsonNode v = synthesize(part, name, depth + 1, true);
                if (v.isObject()) {
                    merged.setAll((ObjectNode) v);
                }
            }
            return merged;
        }
        if (schema.has("oneOf") || schema.has("anyOf")) {
            JsonNode first = (schema.has("oneOf") ? schema.get("oneOf") : schema.get("anyOf")).path(0);
            return synthesize(first, name, depth + 1, false);
        }
        if (schema.has("enum")) {
            return schema.get("enum").path(0);
        }
        String type = schema.path("type").asText(schema.has("properties") ? "object" : "string");
        switch (type) {
            case "object": {
                ObjectNode o = Json.mapper().createObjectNode();
                if (depth > 8) {
                    return o;
                }
                JsonNode props = schema.path("properties");
                for (JsonNode req : schema.path("required")) {
                    String prop = req.asText();
                    if (props.has(prop)) {
                        o.set(prop, synthesize(props.get(prop), prop, depth + 1, false));
                    }
                }
                return o;
            }
            case "array": {
                ArrayNode a = Json.mapper().createArrayNode();
                if (schema.path("minItems").asInt(0) > 0 && depth <= 8) {
                    a.add(synthesize(schema.path("items"), name, depth + 1, false));
                }
                return a;
            }
            case "integer":
            case "number":
                return Json.mapper().getNodeFactory().numberNode(schema.path("minimum").asLong(0));
            case "boolean":
                return Json.mapper().getNodeFactory().booleanNode(false);
            default: {
                String format = schema.path("format").asText("");
                String v;
                if (format.equals("date-time")) {
                    v = Platform.iso(clock.instant());
                } else if (format.equals("uri")) {
                    v = "https://example.com/";
                } else if (name != null && name.endsWith("Id")) {
                    v = Ids.hex32(false);
                } else {
                    v = "";
                }
                return Json.mapper().getNodeFactory().textNode(v);
            }
        }
    }

    private JsonNode resolve(JsonNode schema) {
        int guard = 0;
        while (schema.has("$ref") && guard++ < 16) {
            String ref = schema.get("$ref").asText();
            if (!ref.startsWith("#/")) {
                break;
            }
            schema = spec.at(ref.substring(1));
        }
        return schema;
    }
}
