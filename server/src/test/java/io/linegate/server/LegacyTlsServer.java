package io.linegate.server;

import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/** A deliberately old-fashioned TLS server (TLS 1.1 allowed), the control case for {@link TlsProbe}. */
public final class LegacyTlsServer {
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("legacy-tls");
        Path ks = dir.resolve("ks.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "k", "-keyalg", "RSA", "-keysize", "2048", "-storetype", "PKCS12",
                "-keystore", ks.toString(), "-storepass", "changeit", "-dname", "CN=localhost", "-validity", "1")
                .inheritIO().start();
        keytool.waitFor(60, TimeUnit.SECONDS);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        try (SSLServerSocket server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 5,
                InetAddress.getLoopbackAddress())) {
            server.setEnabledProtocols(new String[] {"TLSv1.1", "TLSv1.2"});
            System.out.println("PORT " + server.getLocalPort());
            System.out.flush();
            while (true) {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                    s.startHandshake();
                } catch (Exception ignored) {
                    // one probe at a time; failures are the probe's to report
                }
            }
        }
    }

    static int awaitPort(Path log) throws Exception {
        for (int i = 0; i < 300; i++) {
            if (Files.exists(log)) {
                for (String line : Files.readAllLines(log)) {
                    if (line.startsWith("PORT ")) {
                        return Integer.parseInt(line.substring(5).trim());
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("legacy TLS server did not start: " + Files.readString(log));
    }
}
