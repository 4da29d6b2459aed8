package io.linegate.messaging;

import java.io.IOException;

/**
 * One link of a {@link SendPipeline}, in the manner of OkHttp's interceptors: it sees the
 * {@link Send}, may refuse it, pass it on ({@link Chain#proceed}), pass it on again (a retry, with
 * {@link Send#withAttempt the next attempt}), or answer it without sending (a reply an earlier run
 * had sent). It throws {@link LineApiException}s typed by status and {@link IOException}s for
 * failures without an answer.
 */
@FunctionalInterface
public interface SendInterceptor {
    SendResult intercept(Chain chain) throws LineApiException, IOException;

    /** The rest of the pipeline, seen from one interceptor. */
    interface Chain {
        /** The send as it reached this interceptor. */
        Send send();

        /** Passes {@code send} to the next interceptor, or to LINE after the last. */
        SendResult proceed(Send send) throws LineApiException, IOException;
    }
}
