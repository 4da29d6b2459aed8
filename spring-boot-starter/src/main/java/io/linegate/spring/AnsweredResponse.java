package io.linegate.spring;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import java.io.PrintWriter;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The response of a webhook whose handler runs: already answered {@code 200} and gone. It says so
 * (committed, status 200, URLs unchanged as no session exists); anything that would write to it fails
 * with a message saying why and what to do.
 */
final class AnsweredResponse implements HttpServletResponse {
    private static IllegalStateException gone() {
        return ReplayedRequest.gone("the HTTP response", "LINE only reads the 200: send to the user by returning"
                + " messages (the reply) or through the MessagingApiClient bean");
    }

    @Override public boolean isCommitted() { return true; }
    @Override public int getStatus() { return 200; }
    @Override public String encodeURL(String url) { return url; }
    @Override public String encodeRedirectURL(String url) { return url; }
    @Override public boolean containsHeader(String name) { return false; }
    @Override public String getHeader(String name) { return null; }
    @Override public Collection<String> getHeaders(String name) { return List.of(); }
    @Override public Collection<String> getHeaderNames() { return List.of(); }
    @Override public String getCharacterEncoding() { return "UTF-8"; }
    @Override public String getContentType() { return "application/json"; }
    @Override public int getBufferSize() { return 0; }
    @Override public Locale getLocale() { return Locale.getDefault(); }

    @Override public void addCookie(Cookie cookie) { throw gone(); }
    @Override public void sendError(int sc, String msg) { throw gone(); }
    @Override public void sendError(int sc) { throw gone(); }
    @Override public void sendRedirect(String location) { throw gone(); }
    @Override public void setDateHeader(String name, long date) { throw gone(); }
    @Override public void addDateHeader(String name, long date) { throw gone(); }
    @Override public void setHeader(String name, String value) { throw gone(); }
    @Override public void addHeader(String name, String value) { throw gone(); }
    @Override public void setIntHeader(String name, int value) { throw gone(); }
    @Override public void addIntHeader(String name, int value) { throw gone(); }
    @Override public void setStatus(int sc) { throw gone(); }
    @Override public ServletOutputStream getOutputStream() { throw gone(); }
    @Override public PrintWriter getWriter() { throw gone(); }
    @Override public void setCharacterEncoding(String charset) { throw gone(); }
    @Override public void setContentLength(int len) { throw gone(); }
    @Override public void setContentLengthLong(long len) { throw gone(); }
    @Override public void setContentType(String type) { throw gone(); }
    @Override public void setBufferSize(int size) { throw gone(); }
    @Override public void flushBuffer() { throw gone(); }
    @Override public void resetBuffer() { throw gone(); }
    @Override public void reset() { throw gone(); }
    @Override public void setLocale(Locale loc) { throw gone(); }
}
