package io.linegate.spring;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletConnection;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.Part;
import java.io.BufferedReader;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The webhook's request as its handler sees it after the {@code 200}: a read-only copy of a
 * {@link CapturedRequest} (URL parts, headers, request id) with attributes of its own, so that
 * {@code ServletUriComponentsBuilder}, {@code RequestContextHolder} and request-scoped beans work. What
 * cannot exist once the webhook was answered (the body, the session, the response, async processing,
 * forwarding) fails with a message saying why and what to do.
 */
final class ReplayedRequest implements HttpServletRequest {
    /** Why a part of the request is gone, and what to do; the start of every refusal. */
    static final String AFTER_THE_200 = "linegate runs @EventMapping methods after the webhook was answered 200"
            + " (LINE's guideline: answer first, handle asynchronously)";

    private final CapturedRequest captured;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private final Map<String, String[]> parameters;

    ReplayedRequest(CapturedRequest captured) {
        this.captured = captured;
        this.parameters = parse(captured.queryString());
    }

    CapturedRequest captured() {
        return captured;
    }

    static IllegalStateException gone(String what, String instead) {
        return new IllegalStateException(AFTER_THE_200 + ", so " + what + " no longer exists; " + instead);
    }

    private static Map<String, String[]> parse(String query) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            }
        }
        Map<String, String[]> params = new LinkedHashMap<>();
        out.forEach((k, v) -> params.put(k, v.toArray(new String[0])));
        return Collections.unmodifiableMap(params);
    }

    private List<String> values(String name) {
        return name == null ? List.of() : captured.headers().getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    // ---- The URL and the connection, as resolved at receipt.

    @Override public String getMethod() { return captured.method(); }
    @Override public String getScheme() { return captured.scheme(); }
    @Override public String getServerName() { return captured.serverName(); }
    @Override public int getServerPort() { return captured.serverPort(); }
    @Override public String getContextPath() { return captured.contextPath(); }
    @Override public String getServletPath() { return captured.servletPath(); }
    @Override public String getPathInfo() { return null; }
    @Override public String getPathTranslated() { return null; }
    @Override public String getRequestURI() { return captured.requestUri(); }
    @Override public String getQueryString() { return captured.queryString(); }
    @Override public String getProtocol() { return captured.protocol(); }
    @Override public boolean isSecure() { return captured.secure(); }
    @Override public String getRemoteAddr() { return captured.remoteAddr(); }
    @Override public String getRemoteHost() { return captured.remoteAddr(); }
    @Override public int getRemotePort() { return captured.remotePort(); }
    @Override public String getLocalAddr() { return captured.localAddr(); }
    @Override public String getLocalName() { return captured.localName(); }
    @Override public int getLocalPort() { return captured.localPort(); }
    @Override public String getRequestId() { return captured.requestId(); }
    @Override public String getProtocolRequestId() { return ""; }
    @Override public ServletContext getServletContext() { return captured.servletContext(); }
    @Override public DispatcherType getDispatcherType() { return DispatcherType.REQUEST; }

    @Override
    public StringBuffer getRequestURL() {
        StringBuffer url = new StringBuffer(captured.scheme()).append("://").append(captured.serverName());
        int port = captured.serverPort();
        boolean standard = port <= 0 || (captured.scheme().equals("http") && port == 80)
                || (captured.scheme().equals("https") && port == 443);
        if (!standard) {
            url.append(':').append(port);
        }
        return url.append(captured.requestUri());
    }

    @Override
    public ServletConnection getServletConnection() {
        throw gone("the webhook's connection", "the request's addresses are getRemoteAddr() and getLocalAddr()");
    }

    // ---- Headers (credentials and the signature left out at receipt).

    @Override
    public String getHeader(String name) {
        List<String> v = values(name);
        return v.isEmpty() ? null : v.get(0);
    }

    @Override public Enumeration<String> getHeaders(String name) { return Collections.enumeration(values(name)); }
    @Override public Enumeration<String> getHeaderNames() { return Collections.enumeration(captured.headers().keySet()); }

    @Override
    public long getDateHeader(String name) {
        String v = getHeader(name);
        if (v == null) {
            return -1;
        }
        try {
            return ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("header " + name + " is not a date: " + v, e);
        }
    }

    @Override
    public int getIntHeader(String name) {
        String v = getHeader(name);
        return v == null ? -1 : Integer.parseInt(v.trim());
    }

    @Override public String getContentType() { return getHeader("content-type"); }

    @Override
    public String getCharacterEncoding() {
        String type = getContentType();
        int at = type == null ? -1 : type.toLowerCase(Locale.ROOT).indexOf("charset=");
        return at < 0 ? null : type.substring(at + "charset=".length()).trim();
    }

    @Override
    public void setCharacterEncoding(String env) {
        throw new IllegalStateException("the webhook's request is read-only in its handler");
    }

    @Override
    public int getContentLength() {
        String v = getHeader("content-length");
        return v == null ? -1 : Integer.parseInt(v.trim());
    }

    @Override
    public long getContentLengthLong() {
        String v = getHeader("content-length");
        return v == null ? -1 : Long.parseLong(v.trim());
    }

    @Override public Locale getLocale() { return Locale.getDefault(); }
    @Override public Enumeration<Locale> getLocales() { return Collections.enumeration(List.of(Locale.getDefault())); }

    @Override
    public Cookie[] getCookies() {
        return null; // never kept: cookies are credentials, and LINE sends none
    }

    // ---- Parameters: the query string's only (the body is the webhook's JSON).

    @Override
    public String getParameter(String name) {
        String[] v = parameters.get(name);
        return v == null ? null : v[0];
    }

    @Override public Enumeration<String> getParameterNames() { return Collections.enumeration(parameters.keySet()); }
    @Override public String[] getParameterValues(String name) { return parameters.get(name); }
    @Override public Map<String, String[]> getParameterMap() { return parameters; }

    // ---- Attributes: this run's own (request-scoped beans live here).

    @Override public Object getAttribute(String name) { return attributes.get(name); }
    @Override public Enumeration<String> getAttributeNames() { return Collections.enumeration(attributes.keySet()); }

    @Override
    public void setAttribute(String name, Object o) {
        if (o == null) {
            attributes.remove(name);
        } else {
            attributes.put(name, o);
        }
    }

    @Override public void removeAttribute(String name) { attributes.remove(name); }

    // ---- What is gone after the 200.

    @Override
    public ServletInputStream getInputStream() {
        throw gone("the request body", "take the event as the method's parameter, or its JSON from EventContext.rawJson()");
    }

    @Override
    public BufferedReader getReader() {
        throw gone("the request body", "take the event as the method's parameter, or its JSON from EventContext.rawJson()");
    }

    @Override
    public HttpSession getSession(boolean create) {
        if (create) {
            throw gone("the HTTP session", "LINE's webhooks have no session: keep what a conversation needs in"
                    + " EventContext.state() or your own store, keyed by the event's source");
        }
        return null;
    }

    @Override public HttpSession getSession() { return getSession(true); }
    @Override public String getRequestedSessionId() { return null; }
    @Override public boolean isRequestedSessionIdValid() { return false; }
    @Override public boolean isRequestedSessionIdFromCookie() { return false; }
    @Override public boolean isRequestedSessionIdFromURL() { return false; }

    @Override
    public String changeSessionId() {
        throw gone("the HTTP session", "LINE's webhooks have no session");
    }

    @Override public String getAuthType() { return null; }
    @Override public String getRemoteUser() { return null; }
    @Override public boolean isUserInRole(String role) { return false; }
    @Override public Principal getUserPrincipal() { return null; }

    @Override
    public boolean authenticate(HttpServletResponse response) {
        throw gone("the response", "a webhook is authenticated by its signature, checked before the 200");
    }

    @Override
    public void login(String username, String password) {
        throw gone("the request's security context", "a webhook is authenticated by its signature, checked before the 200");
    }

    @Override
    public void logout() {
        throw gone("the request's security context", "a webhook is authenticated by its signature, checked before the 200");
    }

    @Override
    public Collection<Part> getParts() {
        throw gone("the request body", "take the event as the method's parameter");
    }

    @Override
    public Part getPart(String name) {
        throw gone("the request body", "take the event as the method's parameter");
    }

    @Override
    public <T extends HttpUpgradeHandler> T upgrade(Class<T> handlerClass) {
        throw gone("the connection", "a webhook's answer is always the 200 linegate sent");
    }

    @Override
    public RequestDispatcher getRequestDispatcher(String path) {
        throw gone("the response", "call the code behind " + path + " directly");
    }

    @Override
    public AsyncContext startAsync() {
        throw gone("the response", "return a CompletableFuture from the method instead");
    }

    @Override
    public AsyncContext startAsync(ServletRequest servletRequest, ServletResponse servletResponse) {
        throw gone("the response", "return a CompletableFuture from the method instead");
    }

    @Override public boolean isAsyncStarted() { return false; }
    @Override public boolean isAsyncSupported() { return false; }

    @Override
    public AsyncContext getAsyncContext() {
        throw gone("the response", "return a CompletableFuture from the method instead");
    }

    @Override
    public String toString() {
        return "ReplayedRequest[" + captured + "]";
    }
}
