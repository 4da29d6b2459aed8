package io.linegate.emulator.messaging;

import static com.linecorp.armeria.common.HttpMethod.GET;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import io.linegate.core.Json;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.domain.ContentStore;
import io.linegate.emulator.domain.Platform;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;

/**
 * The content users sent, on {@code api-data.line.me} (the spec's {@code messaging-api-blob} tag;
 * rich menu images, the tag's other operations, are stored by {@link SpecOperations}).
 */
final class ContentApi {
    private final Platform platform;

    ContentApi(Platform platform) {
        this.platform = platform;
    }

    void register(Router r) {
        r.on(GET, "/v2/bot/message/{messageId}/content").to(this::content);
        r.on(GET, "/v2/bot/message/{messageId}/content/preview").to(this::preview);
        r.on(GET, "/v2/bot/message/{messageId}/content/transcoding").to(this::transcoding);
    }

    private ContentStore.Content contentOf(Call c) {
        ContentStore.Content content = platform.state().content().get(c.path("messageId"));
        if (content == null) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "not found");
        }
        if (content.unsent()) {
            throw ApiException.line(HttpStatus.GONE, "The content is gone");
        }
        return content;
    }

    private Reply content(Call c) {
        ContentStore.Content content = contentOf(c);
        return Reply.bytes(HttpStatus.OK, MediaType.parse(content.contentType()), content.bytes());
    }

    private Reply preview(Call c) {
        ContentStore.Content content = contentOf(c);
        if (!content.contentType().startsWith("image/") && !content.contentType().startsWith("video/")) {
            throw ApiException.badRequest("The content can not be previewed");
        }
        return Reply.bytes(HttpStatus.OK, MediaType.parse(content.contentType()), content.bytes());
    }

    private Reply transcoding(Call c) {
        ContentStore.Content content = contentOf(c);
        if (!content.contentType().startsWith("video/") && !content.contentType().startsWith("audio/")) {
            throw ApiException.badRequest("Transcoding status doesn't support this type of content");
        }
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("status", "succeeded");
        return Reply.ok(b);
    }
}
