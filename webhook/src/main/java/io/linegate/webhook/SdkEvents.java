package io.linegate.webhook;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.bot.jackson.ModelObjectMapper;
import com.linecorp.bot.webhook.model.Event;
import com.linecorp.bot.webhook.model.EventMode;
import com.linecorp.bot.webhook.model.UnknownEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an event into the official SDK's model, following the guideline on structural changes
 * (Messaging API docs, development guidelines, "Assume non-breaking changes"): a type the SDK does
 * not know becomes an {@code UnknownEvent} for the fallback; a known type one of whose sub-fields
 * has a shape the SDK does not expect (a text message whose {@code emojis} or {@code mention} changed)
 * is read again without that sub-field, so that it still reaches its typed route with everything
 * else (the text) intact, and the fields left out are reported. The raw JSON is always kept apart.
 */
final class SdkEvents {
    static final ObjectMapper SDK = ModelObjectMapper.createNewObjectMapper();
    /** How many sub-fields may be left out before the event is taken for an unknown one. */
    private static final int MAX_PRUNED = 16;

    /** The typed event and the sub-fields (dotted paths, {@code message.emojis}) left out to read it. */
    record Parsed(Event event, List<String> degraded) {}

    private SdkEvents() {}

    static Parsed parse(JsonNode tree) {
        JsonMappingException failure;
        try {
            return new Parsed(read(tree), List.of());
        } catch (JsonMappingException e) {
            failure = e;
        } catch (Exception | LinkageError e) {
            return unknown(tree);
        }
        if (!tree.isObject()) {
            return unknown(tree);
        }
        ObjectNode copy = tree.deepCopy();
        List<String> pruned = new ArrayList<>();
        while (pruned.size() < MAX_PRUNED) {
            String path = prune(copy, failure.getPath());
            if (path == null || pruned.contains(path)) {
                break; // nothing left to leave out that would change the outcome
            }
            pruned.add(path);
            try {
                return new Parsed(read(copy), List.copyOf(pruned));
            } catch (JsonMappingException e) {
                failure = e;
            } catch (Exception | LinkageError e) {
                break;
            }
        }
        return unknown(tree);
    }

    private static Event read(JsonNode tree) throws JsonProcessingException {
        Event e = SDK.treeToValue(tree, Event.class);
        if (e == null) {
            throw JsonMappingException.from((JsonParser) null, "no event");
        }
        return e;
    }

    private static Parsed unknown(JsonNode tree) {
        return new Parsed(new UnknownEvent(tree.path("type").asText("unknown"), null, null, EventMode.UNDEFINED,
                null, null), List.of());
    }

    /**
     * Removes the node the failure points at, unless it is the event itself or a {@code type} (which
     * chooses the model class); returns its dotted path, or null if nothing was removed.
     */
    private static String prune(ObjectNode root, List<JsonMappingException.Reference> path) {
        if (path.isEmpty()) {
            return null;
        }
        JsonNode parent = root;
        StringBuilder full = new StringBuilder();
        for (int i = 0; i < path.size(); i++) {
            JsonMappingException.Reference r = path.get(i);
            if (r.getFieldName() != null) {
                full.append(full.length() == 0 ? "" : ".").append(r.getFieldName());
            } else {
                full.append('[').append(r.getIndex()).append(']');
            }
            if (i < path.size() - 1) {
                parent = r.getFieldName() != null ? parent.path(r.getFieldName()) : parent.path(r.getIndex());
            }
        }
        JsonMappingException.Reference last = path.get(path.size() - 1);
        if ("type".equals(last.getFieldName())) {
            return null;
        }
        if (last.getFieldName() != null && parent instanceof ObjectNode o && o.has(last.getFieldName())) {
            o.remove(last.getFieldName());
            return full.toString();
        }
        if (last.getFieldName() == null && parent instanceof ArrayNode a && last.getIndex() >= 0 && last.getIndex() < a.size()) {
            a.remove(last.getIndex());
            return full.toString();
        }
        return null;
    }
}
