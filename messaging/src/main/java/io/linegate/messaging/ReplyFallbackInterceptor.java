package io.linegate.messaging;

import com.linecorp.bot.messaging.model.PushMessageRequest;
import com.linecorp.bot.messaging.model.ReplyMessageRequest;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reply that LINE refuses with a 400 becomes a push to the conversation, with the push's own retry
 * key, when the reply carries a {@link Send.Fallback}. Request limits are checked before sending, so
 * a 400 on a reply means the reply token was expired, used or invalid. A push costs message quota
 * where a reply does not, which is why {@link MessageSender.Builder#pushWhenReplyFails} is off by
 * default; without it this link is not in the pipeline.
 */
final class ReplyFallbackInterceptor implements SendInterceptor {
    private static final Logger log = LoggerFactory.getLogger(ReplyFallbackInterceptor.class);

    @Override
    public SendResult intercept(Chain chain) throws LineApiException, IOException {
        Send send = chain.send();
        if (send.fallback() == null) {
            return chain.proceed(send);
        }
        try {
            return chain.proceed(send);
        } catch (LineApiException.BadRequest e) {
            log.info("reply refused (400, x-line-request-id {}); pushing instead as configured", e.requestId());
            ReplyMessageRequest reply = (ReplyMessageRequest) send.body();
            PushMessageRequest push = new PushMessageRequest.Builder(send.fallback().to(), reply.messages())
                    .notificationDisabled(reply.notificationDisabled()).build();
            Send instead = Send.push(send.fallback().retryKey(), push);
            return chain.proceed(send.event() == null ? instead : instead.forEvent(send.event()));
        }
    }
}
