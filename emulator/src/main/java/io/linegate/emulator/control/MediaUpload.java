package io.linegate.emulator.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.MediaType;
import io.linegate.core.Json;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.domain.ApiException.Detail;
import io.linegate.emulator.http.Call;
import java.util.List;

/**
 * Media sent as its bytes ({@code ?type=image|video|audio|file}, the body under its own content
 * type, {@code fileName}, {@code duration}, {@code userId} and {@code mode} in the query): the message
 * it stands for and its content.
 */
record MediaUpload(JsonNode message, byte[] content) {
    /** The upload a call carries, or null when its body is a message as JSON. */
    static MediaUpload of(Call c) {
        String type = c.query("type");
        if (type == null) {
            return null;
        }
        if (!List.of("image", "video", "audio", "file").contains(type)) {
            throw ApiException.invalid(List.of(new Detail("Must be one of the following values: [image, video, audio, file]", "type")));
        }
        if (c.body().length == 0) {
            throw ApiException.invalid(List.of(new Detail("May not be empty", "body")));
        }
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("type", type);
        MediaType ct = c.request().contentType();
        if (ct != null) {
            b.put("contentType", ct.withoutParameters().toString());
        }
        for (String q : List.of("fileName", "userId", "mode")) {
            if (c.query(q) != null) {
                b.put(q, c.query(q));
            }
        }
        if (c.query("duration") != null) {
            try {
                b.put("duration", Long.parseLong(c.query("duration")));
            } catch (NumberFormatException e) {
                throw ApiException.invalid(List.of(new Detail("Must be a number of milliseconds", "duration")));
            }
        }
        return new MediaUpload(b, c.body());
    }
}
