package io.linegate.spring;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.MDC;

/**
 * What a handler may legitimately read of the webhook's request, taken at receipt: the URL's parts as
 * the application's forwarded-header settings resolved them (read from the request after Spring's
 * {@code ForwardedHeaderFilter} or Tomcat's {@code RemoteIpValve} applied them), the headers but the
 * credentials and the signature (bounded), a request id, and the MDC entries the application's filters
 * had set, and the observation that was current (the request's, with its trace). Its handler, which
 * runs after the {@code 200}, sees it as Spring's current request, inside that observation's scope.
 */
record CapturedRequest(String method, String scheme, String serverName, int serverPort, String contextPath,
                       String servletPath, String requestUri, String queryString, String protocol, boolean secure,
                       String remoteAddr, int remotePort, String localAddr, String localName, int localPort,
                       String requestId, Map<String, List<String>> headers, Map<String, String> mdc,
                       ServletContext servletContext, Observation observation, boolean restored) {

    /** Bytes counted per header beside its name and value, so that many empty headers are bounded too. */
    private static final int HEADER_OVERHEAD = 4;

    /**
     * The request as it is now, inside the container (its filters have run); {@code observations}: the
     * registry whose current observation (Spring's {@code http.server.requests}, the trace's span) the
     * handler continues.
     */
    static CapturedRequest of(HttpServletRequest req, Set<String> excludedHeaders, int maxHeaderBytes, List<String> mdcKeys,
                              ObservationRegistry observations) {
        String id = req.getRequestId();
        return new CapturedRequest(req.getMethod(), req.getScheme(), req.getServerName(), req.getServerPort(),
                req.getContextPath(), req.getServletPath(), req.getRequestURI(), req.getQueryString(), req.getProtocol(),
                req.isSecure(), req.getRemoteAddr(), req.getRemotePort(), req.getLocalAddr(), req.getLocalName(),
                req.getLocalPort(), id == null || id.isEmpty() ? UUID.randomUUID().toString() : id,
                headers(req, excludedHeaders, maxHeaderBytes), mdc(mdcKeys), req.getServletContext(),
                observations.getCurrentObservation(), false);
    }

    /**
     * The headers to keep, built once as they are kept (it runs per webhook, on the request's thread, and
     * what it keeps lives until {@code max-kept} newer webhooks have come: no intermediate copies), names
     * in lower case, most with a single value.
     */
    private static Map<String, List<String>> headers(HttpServletRequest req, Set<String> excludedHeaders, int maxHeaderBytes) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        int bytes = 0;
        for (Enumeration<String> names = req.getHeaderNames(); names.hasMoreElements() && bytes <= maxHeaderBytes; ) {
            String name = names.nextElement();
            String key = name.toLowerCase(Locale.ROOT);
            if (excludedHeaders.contains(key) || headers.containsKey(key)) {
                continue;
            }
            List<String> kept = null;
            String first = null;
            for (Enumeration<String> values = req.getHeaders(name); values.hasMoreElements(); ) {
                String value = values.nextElement();
                bytes += key.length() + value.length() + HEADER_OVERHEAD;
                if (bytes > maxHeaderBytes) {
                    break;
                }
                if (first == null) {
                    first = value;
                } else {
                    if (kept == null) {
                        kept = new ArrayList<>(2);
                        kept.add(first);
                    }
                    kept.add(value);
                }
            }
            if (first != null) {
                headers.put(key, kept == null ? List.of(first) : List.copyOf(kept));
            }
        }
        return headers.isEmpty() ? Map.of() : Collections.unmodifiableMap(headers);
    }

    private static Map<String, String> mdc(List<String> mdcKeys) {
        Map<String, String> mdc = null;
        for (String key : mdcKeys) {
            String value = MDC.get(key);
            if (value != null) {
                if (mdc == null) {
                    mdc = new LinkedHashMap<>();
                }
                mdc.put(key, value);
            }
        }
        return mdc == null ? Map.of() : Map.copyOf(mdc);
    }

    /**
     * For an event whose request this process does not hold (received before a restart, or by another
     * node): the application's external URL {@code base} and the webhook path, nothing else.
     */
    static CapturedRequest restored(URI base, String webhookPath, ServletContext servletContext) {
        String scheme = base.getScheme() == null ? "https" : base.getScheme().toLowerCase(Locale.ROOT);
        int port = base.getPort() >= 0 ? base.getPort() : scheme.equals("https") ? 443 : 80;
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        String contextPath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return new CapturedRequest("POST", scheme, base.getHost(), port, contextPath, webhookPath, contextPath + webhookPath,
                null, "HTTP/1.1", scheme.equals("https"), null, -1, null, null, -1, UUID.randomUUID().toString(),
                Map.of(), Map.of(), servletContext, null, true);
    }

    @Override
    public String toString() {
        return "CapturedRequest[" + method + " " + scheme + "://" + serverName + ":" + serverPort + requestUri + ", id "
                + requestId + (restored ? ", restored" : "") + "]";
    }
}
