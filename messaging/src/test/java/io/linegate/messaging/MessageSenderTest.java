package io.linegate.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Server;
import com.linecorp.bot.messaging.model.TextMessage;
import io.linegate.core.Secret;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class MessageSenderTest {
    @Test
    void pushCarriesARetryKeyAndABreakingRequestIsNeverSent() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        Server api = Server.builder().localPort(0, com.linecorp.armeria.common.SessionProtocol.HTTP)
                .service("/v2/bot/message/push", (ctx, req) -> {
                    seen.add(req.headers().get("x-line-retry-key") + " " + req.headers().get("authorization"));
                    return HttpResponse.of(HttpStatus.OK, MediaType.JSON, "{\"sentMessages\":[{\"id\":\"1\",\"quoteToken\":\"q\"}]}");
                }).build();
        api.start().join();
        try {
            MessageSender sender = MessageSender.create(URI.create("http://127.0.0.1:" + api.activeLocalPort()),
                    Secret.of("test-channel-token-1234", "token"));
            sender.push("U0123456789abcdef0123456789abcdef", List.of(new TextMessage("hi")));
            assertThatThrownBy(() -> sender.push("U0123456789abcdef0123456789abcdef", List.of(new TextMessage(""))))
                    .isInstanceOf(RequestLimitException.class);
            assertThat(seen).singleElement().satisfies(line -> assertThat(line)
                    .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12} Bearer test-channel-token-1234"));
        } finally {
            api.stop().join();
        }
    }
}
