package io.linegate.spring;

import io.linegate.core.RateLimitedLog;
import io.linegate.core.WebhookSignature;
import io.linegate.runtime.BodyBudget;
import io.linegate.runtime.WarmUp;
import io.linegate.runtime.WebhookAnswer;
import io.linegate.runtime.WebhookFront;
import io.linegate.webhook.WebhookReceiver;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
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
    private static final Logger access = LoggerFactory.getLogger("linegate.access");
    /** What the access log and the meters record for a request whose client went away. */
    static final int CLIENT_GONE = 499;

    private final LinegateChannel channel;
    private final long maxBodySize;
    private final BodyBudget bodies; // bytes of bodies in memory, all channels together
    private final RateLimitedLog clientErrors;
    private final WebhookMeters meters;

    private final WebhookRequests requests;

    WebhookEndpoint(LinegateChannel channel, long maxBodySize, BodyBudget bodies, RateLimitedLog clientErrors,
                    WebhookRequests requests) {
        this.channel = channel;
        this.requests = requests;
        this.maxBodySize = maxBodySize;
        this.bodies = bodies;
        this.clientErrors = clientErrors;
        this.meters = new WebhookMeters(channel.meters());
    }

    /**
     * The webhook access log the guidelines ask for ("Save webhook logs": time, sender address,
     * method, path, status) with the latency, and the request meters; no bodies, headers or secrets.
     * The warm-up's own requests are left out.
     */
    @Override
    public void handleRequest(HttpServletRequest req, HttpServletResponse res) throws IOException {
        long start = System.nanoTime();
        boolean[] warmUp = new boolean[1];
        boolean gone = false;
        try {
            handle(req, res, warmUp);
        } catch (IOException e) {
            if (!clientWentAway(e)) {
                throw e;
            }
            // Mid-body, or under the answer's write (what was stored stays stored): nothing more is written, and
            // the container's own status for it (Tomcat sets 400) is not what happened.
            gone = true;
            clientErrors.warn("webhook on {}: the client went away before its answer ({})", channel.path(), e.getClass().getSimpleName());
        } finally {
            if (!warmUp[0]) {
                long nanos = System.nanoTime() - start;
                int status = gone ? CLIENT_GONE : res.getStatus();
                meters.record(status, nanos);
                if (access.isInfoEnabled()) {
                    access.info("{} {} {} {} {}ms", req.getRemoteAddr(), req.getMethod(), channel.path(), status,
                            TimeUnit.NANOSECONDS.toMicros(nanos) / 1000.0);
                }
            }
        }
    }

    private void handle(HttpServletRequest req, HttpServletResponse res, boolean[] warmUp) throws IOException {
        if (!"POST".equals(req.getMethod())) {
            res.setHeader("Allow", "POST");
            answer(res, WebhookAnswer.METHOD_NOT_ALLOWED);
            return;
        }
        WebhookReceiver receiver = channel.receiver(req.getHeader(WarmUp.HEADER));
        warmUp[0] = receiver != null && channel.isWarmUp(receiver);
        if (receiver == null) {
            answer(res, WebhookAnswer.STARTING);
            return;
        }
        long declared = req.getContentLengthLong();
        if (declared > maxBodySize) {
            clientErrors.warn("webhook on {} refused: a body of {} bytes is over linegate.max-body-size", channel.path(), declared);
            answer(res, WebhookAnswer.TOO_LARGE);
            return;
        }
        // The budget covers the body from before it is read until the store has it; a body of no declared
        // length is read whole into memory, so it reserves the limit.
        BodyBudget.Reservation reservation = bodies.open(declared >= 0 ? declared : maxBodySize);
        if (reservation == null) {
            clientErrors.warn("webhook on {} answered 503: linegate.max-bodies-in-flight is in use", channel.path());
            res.setHeader("Retry-After", "1");
            answer(res, WebhookAnswer.BUSY);
            return;
        }
        WebhookAnswer answer;
        try {
            byte[] body;
            try {
                body = read(req.getInputStream());
            } catch (SocketTimeoutException e) {
                clientErrors.warn("webhook on {}: the body did not arrive in time", channel.path());
                answer(res, WebhookAnswer.TOO_SLOW);
                return;
            } catch (IOException e) {
                if (clientWentAway(e)) {
                    throw e; // nobody is left to answer: counted and said once, below handleRequest
                }
                clientErrors.warn("webhook on {}: the body could not be read ({})", channel.path(), e.toString());
                answer(res, WebhookAnswer.UNREADABLE);
                return;
            }
            if (body == null) {
                clientErrors.warn("webhook on {} refused: the body is over linegate.max-body-size", channel.path());
                answer(res, WebhookAnswer.TOO_LARGE);
                return;
            }
            // Kept before the append: the handler may run before the 200 is written.
            WebhookRequests.Kept kept = warmUp[0] ? WebhookRequests.Kept.NOTHING : requests.keep(channel.name(), body, req);
            // The front's future never fails, and the store completes or fails every append, at close too.
            answer = WebhookFront.receive(receiver, body, req.getHeader(WebhookSignature.HEADER)).join();
            if (answer.status() == 401) { // nothing stored; a 503 past the deadline may still be appended
                requests.forget(kept);
            }
        } finally {
            reservation.close();
        }
        answer(res, answer);
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

    /** The whole body, or null if it is longer than the limit (a chunked body declares no length). */
    private byte[] read(InputStream in) throws IOException {
        byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodySize + 1));
        return body.length > maxBodySize ? null : body;
    }

    private static void answer(HttpServletResponse res, WebhookAnswer answer) throws IOException {
        res.setStatus(answer.status());
        res.setContentType("application/json");
        byte[] out = answer.json().getBytes(StandardCharsets.UTF_8);
        res.setContentLength(out.length);
        res.getOutputStream().write(out);
    }
}
