package io.linegate.server;

import com.linecorp.bot.messaging.client.MessagingApiBlobClient;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.messaging.model.Message;
import io.linegate.messaging.MessageSender;
import io.linegate.webhook.Outbound;
import java.util.List;
import java.util.UUID;

/** Handlers' sends through the messaging module's {@link MessageSender}. */
final class SenderOutbound implements Outbound {
    private final MessageSender sender;

    SenderOutbound(MessageSender sender) {
        this.sender = sender;
    }

    @Override
    public void reply(String replyToken, String conversation, List<Message> messages) throws Exception {
        sender.reply(replyToken, conversation, messages);
    }

    @Override
    public void reply(String replyToken, String conversation, List<Message> messages, UUID fallbackRetryKey)
            throws Exception {
        sender.reply(replyToken, conversation, messages, fallbackRetryKey);
    }

    @Override
    public void push(String to, List<Message> messages) throws Exception {
        sender.push(to, messages);
    }

    @Override
    public void push(UUID retryKey, String to, List<Message> messages) throws Exception {
        sender.push(retryKey, to, messages);
    }

    @Override
    public String issueLinkToken(String userId) throws Exception {
        return sender.issueLinkToken(userId);
    }

    @Override
    public MessagingApiClient api() {
        return sender.api();
    }

    @Override
    public MessagingApiBlobClient blob() {
        return sender.blob();
    }
}
