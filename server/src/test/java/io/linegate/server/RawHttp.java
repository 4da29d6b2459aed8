package io.linegate.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** HTTP/1.1 written by hand on a socket, for what a well-behaved client would never send. */
final class RawHttp {
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] (\\d{3}) ");

    /** What came back: the statuses of every response read, and whether the server closed the connection. */
    record Exchange(List<Integer> statuses, String text, boolean closedByServer) {}

    private RawHttp() {}

    static Exchange send(int port, boolean tls, String request, int readMillis) throws IOException {
        return exchange(tls ? tlsSocket(port) : new Socket("127.0.0.1", port), request, readMillis);
    }

    /** Plain HTTP from another loopback address than 127.0.0.1 (127.0.0.2, say): another client, as the server sees it. */
    static Exchange sendFrom(String localAddress, int port, String request, int readMillis) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(localAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        return exchange(socket, request, readMillis);
    }

    private static Exchange exchange(Socket s, String request, int readMillis) throws IOException {
        try (Socket socket = s) {
            socket.setSoTimeout(readMillis);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            boolean closed = false;
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                }
                closed = true; // end of stream: the server closed it
            } catch (SocketTimeoutException e) {
                // still open when we stopped reading
            } catch (IOException e) {
                closed = true; // reset by the server
            }
            String text = out.toString(StandardCharsets.ISO_8859_1);
            List<Integer> statuses = new ArrayList<>();
            Matcher m = STATUS_LINE.matcher(text);
            while (m.find()) {
                statuses.add(Integer.parseInt(m.group(1)));
            }
            return new Exchange(statuses, text, closed);
        }
    }

    static Socket tlsSocket(int port) throws IOException {
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, new TrustManager[] {new X509TrustManager() {
                @Override public void checkClientTrusted(X509Certificate[] c, String a) {}
                @Override public void checkServerTrusted(X509Certificate[] c, String a) {}
                @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
            }}, new SecureRandom());
            SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", port);
            s.setEnabledProtocols(new String[] {"TLSv1.3"});
            s.startHandshake();
            return s;
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }
}
