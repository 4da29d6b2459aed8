package io.linegate.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.linecorp.bot.client.base.Result;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.messaging.model.ReplyMessageRequest;
import com.linecorp.bot.messaging.model.ReplyMessageResponse;
import com.linecorp.bot.messaging.model.TextMessage;
import com.linecorp.bot.webhook.model.TextMessageContent;
import io.linegate.core.Secret;
import io.linegate.core.WebhookSignature;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

/** A test that mocks the {@code MessagingApiClient} bean, as with the official starter, sees the replies handlers return. */
@SpringBootTest(classes = MockedClientStarterTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MockedClientStarterTest {
    static final String SECRET = "mocked-client-test-secret-012345";

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Echo.class)
    static class App {
    }

    @LineMessageHandler
    static class Echo {
        @EventMapping
        public Message echo(TextMessageContent content) {
            return new TextMessage("echo: " + content.text());
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) throws Exception {
        String store = "sqlite:" + Files.createTempDirectory("linegate-mocked-client");
        r.add("line.bot.channel-secret", () -> SECRET);
        r.add("linegate.store", () -> store);
    }

    @MockitoBean
    MessagingApiClient api;
    @Autowired
    LinegateChannels channels;

    @Test
    void aMockedMessagingApiClientBeanSeesTheReplyAHandlerReturns() throws Exception {
        when(api.replyMessage(any())).thenReturn(CompletableFuture.completedFuture(
                new Result<>("mocked-request", null, new ReplyMessageResponse(List.of()))));
        byte[] body = Webhooks.text("Umocked", "hello");

        // As the webhook path receives it (this application has no web server).
        assertThat(channels.channel("default").receiver(null)
                .receive(body, WebhookSignature.sign(Secret.of(SECRET, "secret"), body)).get().accepted()).isTrue();

        ArgumentCaptor<ReplyMessageRequest> reply = ArgumentCaptor.forClass(ReplyMessageRequest.class);
        verify(api, timeout(20_000)).replyMessage(reply.capture());
        assertThat(reply.getValue().messages()).containsExactly(new TextMessage("echo: hello"));
    }
}
