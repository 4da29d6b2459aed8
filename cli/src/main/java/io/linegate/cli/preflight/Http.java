package io.linegate.cli.preflight;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.ResponseTimeoutException;
import com.linecorp.armeria.client.UnprocessedRequestException;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLException;

/**
 * One HTTP exchange, measured, with failures turned into a short phrase ("connection refused", "no
 * answer within 5 s", "TLS handshake failed: ...") instead of an exception.
 */
final class Http {
    private Http() {}

    static Response get(ClientFactory factory, URI uri, Map<String, String> headers, Duration timeout) {
        return send(factory, HttpMethod.GET, uri, headers, null, null, timeout);
    }

    static Response postJson(ClientFactory factory, URI uri, Map<String, String> headers, byte[] body, Duration timeout) {
        return send(factory, HttpMethod.POST, uri, headers, MediaType.JSON_UTF_8, body, timeout);
    }

    static Response send(ClientFactory factory, HttpMethod method, URI uri, Map<String, String> headers,
                         MediaType type, byte[] body, Duration timeout) {
        URI origin = URI.create(uri.getScheme() + "://" + uri.getRawAuthority());
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        // Redirects are not followed (Armeria's default): a login start's redirect is what is checked.
        WebClient client = WebClient.builder(origin).factory(factory).responseTimeout(timeout).build();
        RequestHeadersBuilder h = RequestHeaders.builder(method, path);
        headers.forEach(h::add);
        if (type != null) {
            h.contentType(type);
        }
        long start = System.nanoTime();
        try {
            HttpRequest req = body == null ? HttpRequest.of(h.build()) : HttpRequest.of(h.build(), HttpData.wrap(body));
            AggregatedHttpResponse res = client.execute(req).aggregate().join();
            return new Response(res.status().code(), res.contentUtf8(), res, System.nanoTime() - start, null);
        } catch (CompletionException | IllegalStateException e) {
            return new Response(0, "", null, System.nanoTime() - start, describe(e, timeout));
        }
    }

    /** A response; {@code status} is 0 and {@code error} says why when none came. */
    record Response(int status, String body, AggregatedHttpResponse raw, long elapsedNanos, String error) {
        String header(String name) {
            return raw == null ? null : raw.headers().get(name);
        }

        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** "200", or the reason there was no answer. */
        String outcome() {
            return status == 0 ? error : Integer.toString(status);
        }
    }

    /** The root cause in a few words, fit for one line of output. */
    static String describe(Throwable e, Duration timeout) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof UnprocessedRequestException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof ResponseTimeoutException) {
            return "no answer within " + seconds(timeout);
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            if (root instanceof SSLException) {
                break;
            }
            root = root.getCause();
        }
        if (root instanceof ConnectException || root.getClass().getSimpleName().contains("ConnectException")) {
            String m = String.valueOf(root.getMessage());
            return m.toLowerCase(Locale.ROOT).contains("refused") ? "connection refused" : "cannot connect: " + m;
        }
        if (root instanceof UnknownHostException) {
            return "unknown host " + root.getMessage();
        }
        if (root instanceof SSLException) {
            return "TLS handshake failed: " + shortMessage(root);
        }
        if (root.getClass().getSimpleName().contains("Timeout")) {
            return "timed out: " + shortMessage(root);
        }
        return shortMessage(root);
    }

    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String shortMessage(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        m = m.replaceAll("\\s+", " ").trim();
        return m.length() > 200 ? m.substring(0, 200) + "…" : m;
    }
}
