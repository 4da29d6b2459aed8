package io.linegate.messaging;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The sending pipeline: a chain of {@link SendInterceptor}s in front of the transport that makes
 * one HTTP request per attempt. {@link MessageSender} builds it (request limits, fallback push,
 * retry with backoff and 409-as-accepted, a fresh token after a 401); a handler run puts its own
 * links in front ({@link #with}), such as the ledger of replies an earlier run had sent. Rate limits
 * and the API request log are the transport's, since they cover every call to LINE, sends or not.
 */
public final class SendPipeline {
    /** The end of the chain: one attempt, one request. */
    interface Transport {
        SendResult send(Send send) throws LineApiException, IOException;
    }

    private final List<SendInterceptor> interceptors;
    private final Transport transport;

    SendPipeline(List<SendInterceptor> interceptors, Transport transport) {
        this.interceptors = List.copyOf(interceptors);
        this.transport = transport;
    }

    /** Sends through every interceptor, then LINE. */
    public SendResult send(Send send) throws LineApiException, IOException {
        return new Link(0, send).proceed(send);
    }

    /** This pipeline with {@code first} in front of its interceptors. */
    public SendPipeline with(SendInterceptor first) {
        List<SendInterceptor> all = new ArrayList<>(interceptors.size() + 1);
        all.add(first);
        all.addAll(interceptors);
        return new SendPipeline(all, transport);
    }

    /**
     * This pipeline with {@code last} after its interceptors, just before the transport: it sees every
     * attempt (a retry, a fallback push) right before it goes to LINE, after any backoff.
     */
    public SendPipeline withLast(SendInterceptor last) {
        List<SendInterceptor> all = new ArrayList<>(interceptors.size() + 1);
        all.addAll(interceptors);
        all.add(last);
        return new SendPipeline(all, transport);
    }

    private final class Link implements SendInterceptor.Chain {
        private final int index;
        private final Send send;

        Link(int index, Send send) {
            this.index = index;
            this.send = send;
        }

        @Override
        public Send send() {
            return send;
        }

        @Override
        public SendResult proceed(Send next) throws LineApiException, IOException {
            if (index == interceptors.size()) {
                return transport.send(next);
            }
            return interceptors.get(index).intercept(new Link(index + 1, next));
        }
    }
}
