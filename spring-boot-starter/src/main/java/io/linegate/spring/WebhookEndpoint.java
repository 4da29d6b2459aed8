package io.linegate.spring;

import io.linegate.core.RateLimitedLog;
import io.linegate.core.WebhookSignature;
import io.linegate.runtime.BodyBudget;
import io.linegate.runtime.WarmUp;
import io.linegate.runtime.WebhookAnswer;
import io.linegate.runtime.WebhookFront;
import io.linegate.webhook.WebhookReceiver;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import io.linegate.runtime.WebhookMeters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.HttpRequestHandler;

/**
 * A channel's webhook path in the application's servlet container: the signature checked on the raw
 * bytes, the body stored durably, {@code 200}; nothing else before the answer. The handlers run
 * later, on the channel's dispatcher. Every answer is the runtime's ({@link WebhookFront},
 * {@link WebhookAnswer}), as {@code linegate serve} gives it: 401 for a bad or missing signature, 413
 * for a body over the limit, 400 for one that could not be read, 503 when the runtime's
 * {@link BodyBudget} of bodies in memory is spent or the store could not take the body in time (LINE
 * redelivers where redelivery is on). A client that goes away before its answer (its connection
 * closed or reset mid-body, or before the answer could be written) is a client abort: recorded as
 * {@link #CLIENT_GONE} (nginx's "client closed request") in the access log and the meters, one
 * rate-limited line, never a stack trace, and nothing written to a connection that is gone.
 */
final class WebhookEndpoint implements HttpRequestHandler {
    private static final Logger log = LoggerFactory.getLogger(WebhookEndpoint.class);
    /** What the access log and the meters record for a request whose client went away. */
    static final int CLIENT_GONE = 499;

    private final LinegateChannel channel;
    private final long maxBodySize;
    private final BodyBudget bodies; // bytes of bodies in memory, all channels together
    private final RateLimitedLog clientErrors;
    private final WebhookMeters meters;
    private final WebhookAccessLog access;

    private final WebhookRequests requests;

    private final Duration requestTimeout;

    WebhookEndpoint(LinegateChannel channel, long maxBodySize, BodyBudget bodies, RateLimitedLog clientErrors,
                    WebhookRequests requests, Duration requestTimeout, WebhookAccessLog access) {
        this.channel = channel;
        this.access = access;
        this.requests = requests;
        this.maxBodySize = maxBodySize;
        this.bodies = bodies;
        this.clientErrors = clientErrors;
        this.requestTimeout = requestTimeout;
        this.meters = new WebhookMeters(channel.meters());
    }

    /**
     * The webhook access log the guidelines ask for ("Save webhook logs": time, sender address,
     * method, path, status) with the latency, and the request meters; no bodies, headers or secrets.
     * The warm-up's own requests are left out. The access log's lines are written by its own thread
     * ({@link WebhookAccessLog}), not under the appender's lock on this one.
     *
     * <p>The body is read without holding a thread (the servlet container's asynchronous, non-blocking
     * reads) within {@code linegate.request-timeout}: a body that has not arrived by then is answered
     * {@code 408} and the connection closed, and what it reserved of the {@link BodyBudget} is given back,
     * as {@code linegate serve} does. Once read, the body is appended and the request answered by the read's
     * last callback, without a second dispatch through the filters and the {@code DispatcherServlet}: the
     * application's filters and interceptors see each webhook once.
     */
    @Override
    public void handleRequest(HttpServletRequest req, HttpServletResponse res) throws IOException {
        long start = System.nanoTime();
        boolean[] warmUp = new boolean[1];
        boolean reading = false;
        boolean gone = false;
        try {
            reading = handle(req, res, warmUp, start);
        } catch (IOException e) {
            if (!clientWentAway(e)) {
                throw e;
            }
            // Mid-body, or under the answer's write (what was stored stays stored): nothing more is written, and
            // the container's own status for it (Tomcat sets 400) is not what happened.
            gone = true;
            clientErrors.warn("webhook on {}: the client went away before its answer ({})", channel.path(), e.getClass().getSimpleName());
        } finally {
            if (!reading) {
                record(req, gone ? CLIENT_GONE : res.getStatus(), start, warmUp[0]);
            }
        }
    }

    private void record(HttpServletRequest req, int status, long start, boolean warmUp) {
        if (warmUp) {
            return;
        }
        long nanos = System.nanoTime() - start;
        meters.record(status, nanos);
        access.record(req.getRemoteAddr(), req.getMethod(), channel.path(), status, nanos);
    }

    /** True if the body is being read asynchronously (the answer comes from {@link BodyRead}). */
    private boolean handle(HttpServletRequest req, HttpServletResponse res, boolean[] warmUp, long start) throws IOException {
        if (!"POST".equals(req.getMethod())) {
            res.setHeader("Allow", "POST");
            answer(res, WebhookAnswer.METHOD_NOT_ALLOWED);
            return false;
        }
        WebhookReceiver receiver = channel.receiver(req.getHeader(WarmUp.HEADER));
        warmUp[0] = receiver != null && channel.isWarmUp(receiver);
        if (receiver == null) {
            answer(res, WebhookAnswer.STARTING);
            return false;
        }
        if (!warmUp[0] && !channel.store().writeHealth().writable()) { // logged by the store, once
            refuse(req, res, WebhookAnswer.CANNOT_STORE);
            return false;
        }
        long declared = req.getContentLengthLong();
        if (declared > maxBodySize) {
            clientErrors.warn("webhook on {} refused: a body of {} bytes is over linegate.max-body-size", channel.path(), declared);
            refuse(req, res, WebhookAnswer.TOO_LARGE);
            return false;
        }
        // The budget covers the body from before it is read until the store has it; a body of no declared
        // length is read whole into memory, so it reserves the limit.
        BodyBudget.Reservation reservation = bodies.open(declared >= 0 ? declared : maxBodySize);
        if (reservation == null) {
            clientErrors.warn("webhook on {} answered 503: linegate.max-bodies-in-flight is in use", channel.path());
            res.setHeader("Retry-After", "1");
            refuse(req, res, WebhookAnswer.BUSY);
            return false;
        }
        // On this thread, inside the application's filters (their MDC entries, the forwarded headers applied).
        CapturedRequest captured = warmUp[0] ? null : requests.capture(req);
        String signature = req.getHeader(WebhookSignature.HEADER);
        ServletInputStream in = req.getInputStream();
        // A webhook's body has nearly always arrived with its headers: what is there is read on this thread
        // without waiting, and only a body still on its way is read asynchronously, within the timeout.
        Arrived arrived;
        try {
            arrived = arrived(in, declared);
        } catch (IOException e) {
            reservation.close();
            if (clientWentAway(e)) {
                throw e; // nobody is left to answer: counted and said once, below handleRequest
            }
            clientErrors.warn("webhook on {}: the body could not be read ({})", channel.path(), e.toString());
            answer(res, WebhookAnswer.UNREADABLE);
            return false;
        }
        if (!arrived.whole() && req.isAsyncSupported()) {
            BodyRead read = new BodyRead(receiver, reservation, captured, signature, start, warmUp[0], arrived, declared >= 0);
            read.begin(req, req.startAsync(req, res), in);
            return true;
        }
        // The whole body, or a filter of the application that is not asynchronous: read on this thread.
        WebhookAnswer answer;
        try {
            byte[] body;
            try {
                body = arrived.whole() ? arrived.bytes() : read(arrived, in);
            } catch (SocketTimeoutException e) {
                clientErrors.warn("webhook on {}: the body did not arrive in time", channel.path());
                answer(res, WebhookAnswer.TOO_SLOW);
                return false;
            } catch (IOException e) {
                if (clientWentAway(e)) {
                    throw e; // nobody is left to answer: counted and said once, below handleRequest
                }
                clientErrors.warn("webhook on {}: the body could not be read ({})", channel.path(), e.toString());
                answer(res, WebhookAnswer.UNREADABLE);
                return false;
            }
            if (body == null) {
                clientErrors.warn("webhook on {} refused: the body is over linegate.max-body-size", channel.path());
                answer(res, WebhookAnswer.TOO_LARGE);
                return false;
            }
            answer = receive(body, receiver, signature, captured);
        } finally {
            reservation.close();
        }
        answer(res, answer);
        return false;
    }

    /** The first {@code length} bytes of a declared body that had arrived when the request was handled. */
    private record Arrived(byte[] buffer, int length, boolean whole) {
        byte[] bytes() {
            return length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
        }
    }

    /**
     * What of a body of {@code declared} bytes can be read without waiting: reads only while the stream
     * says bytes are available ({@code available() > 0}: a read then returns at once), so a body held back
     * holds nothing here. A body of no declared length is left to the asynchronous read.
     */
    private static Arrived arrived(ServletInputStream in, long declared) throws IOException {
        if (declared < 0) {
            return new Arrived(new byte[0], 0, false);
        }
        byte[] buffer = new byte[(int) declared];
        int got = 0;
        while (got < buffer.length && in.available() > 0) {
            int n = in.read(buffer, got, buffer.length - got);
            if (n < 0) {
                break; // ended early: the read below sees it
            }
            got += n;
        }
        return new Arrived(buffer, got, got == buffer.length);
    }

    /**
     * Answers a request whose body will not be read, and closes its connection. The container would
     * otherwise read ("swallow") the unread body on one of its threads after the answer, and a body
     * held one byte short would hold that thread: with the body in non-blocking mode it reads only what
     * has arrived.
     */
    private static void refuse(HttpServletRequest req, HttpServletResponse res, WebhookAnswer answer) throws IOException {
        res.setHeader("Connection", "close");
        if (!req.isAsyncSupported()) {
            answer(res, answer);
            return;
        }
        AsyncContext async = req.startAsync(req, res);
        try {
            req.getInputStream().setReadListener(new ReadListener() {
                @Override public void onDataAvailable() { }
                @Override public void onAllDataRead() { }
                @Override public void onError(Throwable t) { }
            });
            answer(res, answer);
        } finally {
            async.complete();
        }
    }

    /** Appends a whole body, the request kept for its handler first (the handler may run before the 200 is written). */
    private WebhookAnswer receive(byte[] body, WebhookReceiver receiver, String signature, CapturedRequest captured) {
        WebhookRequests.Kept kept = captured == null ? WebhookRequests.Kept.NOTHING : requests.keep(channel.name(), body, captured);
        // The front's future never fails, and the store completes or fails every append, at close too.
        WebhookAnswer answer = WebhookFront.receive(receiver, body, signature).join();
        if (answer.status() == 401) { // nothing stored; a 503 past the deadline may still be appended
            requests.forget(kept);
        }
        return answer;
    }

    /**
     * A body read by the container's non-blocking reads, and the request's answer once it is whole (appended,
     * then {@code 200}), over the limit, unreadable, gone, or not in time ({@code linegate.request-timeout}).
     */
    private final class BodyRead implements ReadListener, AsyncListener {
        private final WebhookReceiver receiver;
        private final BodyBudget.Reservation reservation;
        private final CapturedRequest captured;
        private final String signature;
        private final long start;
        private final boolean warmUp;
        private final boolean declared; // a body of a declared length fills bytes exactly
        private byte[] bytes; // the body so far: its first length bytes
        private int length;
        private final AtomicBoolean done = new AtomicBoolean();
        private HttpServletRequest request;
        private AsyncContext async;
        private ServletInputStream in;

        BodyRead(WebhookReceiver receiver, BodyBudget.Reservation reservation, CapturedRequest captured, String signature,
                 long start, boolean warmUp, Arrived arrived, boolean declared) {
            this.receiver = receiver;
            this.reservation = reservation;
            this.captured = captured;
            this.signature = signature;
            this.start = start;
            this.warmUp = warmUp;
            this.declared = declared;
            this.bytes = declared ? arrived.buffer() : new byte[8192];
            this.length = declared ? arrived.length() : 0;
        }

        void begin(HttpServletRequest req, AsyncContext context, ServletInputStream stream) {
            this.request = req;
            this.async = context;
            this.in = stream;
            context.setTimeout(requestTimeout.toMillis());
            context.addListener(this);
            stream.setReadListener(this);
        }

        @Override
        public void onDataAvailable() throws IOException {
            while (!done.get() && in.isReady()) {
                if (length == bytes.length) {
                    if (declared) { // whole: only its end is left to read
                        if (in.read() < 0) {
                            return; // onAllDataRead follows
                        }
                        tooLarge();
                        return;
                    }
                    bytes = Arrays.copyOf(bytes, (int) Math.min(maxBodySize + 1, 2L * bytes.length));
                }
                int n = in.read(bytes, length, bytes.length - length);
                if (n < 0) {
                    return; // onAllDataRead follows
                }
                length += n;
                if (length > maxBodySize) {
                    tooLarge();
                    return;
                }
            }
        }

        private void tooLarge() {
            clientErrors.warn("webhook on {} refused: the body is over linegate.max-body-size", channel.path());
            finish(null, WebhookAnswer.TOO_LARGE);
        }

        @Override
        public void onAllDataRead() {
            finish(length == bytes.length ? bytes : Arrays.copyOf(bytes, length), null);
        }

        @Override
        public void onError(Throwable t) {
            if (done.get()) {
                return; // said and answered once (the read's error, then the exchange's)
            }
            if (clientWentAway(t)) {
                clientErrors.warn("webhook on {}: the client went away before its answer ({})", channel.path(),
                        t.getClass().getSimpleName());
                finish(null, null);
            } else {
                clientErrors.warn("webhook on {}: the body could not be read ({})", channel.path(), t.toString());
                finish(null, WebhookAnswer.UNREADABLE);
            }
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            clientErrors.warn("webhook on {}: the body did not arrive within linegate.request-timeout ({})", channel.path(),
                    requestTimeout);
            finish(null, WebhookAnswer.TOO_SLOW);
        }

        @Override
        public void onError(AsyncEvent event) {
            onError(event.getThrowable() == null ? new EOFException("the connection failed") : event.getThrowable());
        }

        @Override
        public void onComplete(AsyncEvent event) {
            reservation.close(); // however the exchange ended
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // not restarted
        }

        /**
         * Once: the whole body appended and answered, or the request answered without it ({@code refused}, the
         * rest not read, the connection closed), or nothing written when the client went away (both null); then
         * recorded and completed, on the container's thread that ran the read's callback.
         */
        private void finish(byte[] whole, WebhookAnswer refused) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            int status = CLIENT_GONE;
            try {
                WebhookAnswer answer = whole == null ? refused : receive(whole, receiver, signature, captured);
                reservation.close(); // the store has the body, or nothing of it is kept
                if (answer != null) {
                    HttpServletResponse res = (HttpServletResponse) async.getResponse();
                    if (refused != null) {
                        res.setHeader("Connection", "close");
                    }
                    answer(res, answer);
                    status = answer.status();
                }
            } catch (IOException | IllegalStateException e) {
                if (clientWentAway(e) || e instanceof IllegalStateException) { // the exchange failed under the write
                    clientErrors.warn("webhook on {}: the client went away before its answer ({})", channel.path(),
                            e.getClass().getSimpleName());
                } else {
                    status = 500;
                    log.warn("webhook on {}: the answer could not be written", channel.path(), e);
                }
            } finally {
                reservation.close();
                record(request, status, start, warmUp); // before complete(): the container recycles the request
                try {
                    async.complete();
                } catch (IllegalStateException ignored) {
                    // completed by the container already (the exchange failed)
                }
            }
        }
    }

    /**
     * Whether a read or write failed because the client went away: the connection closed before the
     * declared body had arrived (Tomcat's ClientAbortException wraps an EOFException; Jetty's EofException
     * is one), or it was reset or closed under a write. Container-neutral: by the JDK's types and the
     * operating system's words.
     */
    static boolean clientWentAway(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof EOFException || t instanceof ClosedChannelException) {
                return true;
            }
            String m = t.getMessage();
            if (t instanceof IOException && m != null && (m.contains("Connection reset") || m.contains("Broken pipe"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The whole body, what had {@code arrived} first, or null if it is longer than the limit (a chunked body
     * declares no length).
     */
    private byte[] read(Arrived arrived, InputStream in) throws IOException {
        byte[] rest = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodySize + 1 - arrived.length()));
        if (arrived.length() + (long) rest.length > maxBodySize) {
            return null;
        }
        byte[] body = Arrays.copyOf(arrived.buffer(), arrived.length() + rest.length);
        System.arraycopy(rest, 0, body, arrived.length(), rest.length);
        return body;
    }

    private static void answer(HttpServletResponse res, WebhookAnswer answer) throws IOException {
        res.setStatus(answer.status());
        res.setContentType("application/json");
        byte[] out = answer.json().getBytes(StandardCharsets.UTF_8);
        res.setContentLength(out.length);
        res.getOutputStream().write(out);
    }
}
