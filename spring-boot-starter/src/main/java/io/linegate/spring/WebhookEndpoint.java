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
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
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
 * redelivers where redelivery is on).
 */
final class WebhookEndpoint implements HttpRequestHandler {
    private static final Logger access = LoggerFactory.getLogger("linegate.access");

    private final LinegateChannel channel;
    private final long maxBodySize;
    private final BodyBudget bodies; // bytes of bodies in memory, all channels together
    private final RateLimitedLog clientErrors;
    private final WebhookMeters meters;

    WebhookEndpoint(LinegateChannel channel, long maxBodySize, BodyBudget bodies, RateLimitedLog clientErrors) {
        this.channel = channel;
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
        try {
            handle(req, res, warmUp);
        } finally {
            if (!warmUp[0]) {
                long nanos = System.nanoTime() - start;
                int status = res.getStatus();
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
                clientErrors.warn("webhook on {}: the body could not be read ({})", channel.path(), e.toString());
                answer(res, WebhookAnswer.UNREADABLE);
                return;
            }
            if (body == null) {
                clientErrors.warn("webhook on {} refused: the body is over linegate.max-body-size", channel.path());
                answer(res, WebhookAnswer.TOO_LARGE);
                return;
            }
            try {
                answer = WebhookFront.receive(receiver, body, req.getHeader(WebhookSignature.HEADER)).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answer = WebhookAnswer.STOPPING;
            } catch (ExecutionException e) {
                answer = WebhookAnswer.NOT_STORED; // the front's future does not fail; defensive only
            }
        } finally {
            reservation.close();
        }
        answer(res, answer);
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
