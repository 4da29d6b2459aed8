package io.linegate.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.linegate.core.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The guideline: webhooks over TLS 1.2 or later only. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class TlsTest {
    static final Secret SECRET = Secret.of("c0ffeec0ffeec0ffeec0ffeec0ffee01", "LINE_CHANNEL_SECRET");

    @TempDir
    Path dir;

    /** Runs the probe with only SSLv3 disabled client-side, so TLS 1.0 and 1.1 are offered. */
    String probe(int port, String protocol) throws Exception {
        Path security = dir.resolve("client.security");
        Files.writeString(security, "jdk.tls.disabledAlgorithms=SSLv3, RC4, DES, NULL, anon\n");
        Path out = Files.createTempFile(dir, "probe", ".log");
        Process p = ChildJvm.start(TlsProbe.class, out, List.of("-Djava.security.properties=" + security),
                String.valueOf(port), protocol);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return (p.exitValue() == 0 ? "ok " : "refused ") + Files.readString(out).strip();
    }

    void assertOnlyModernTls(ServerTls tls) throws Exception {
        try (LinegateServer server = LinegateServer.builder(new RecordingBot(), SECRET)
                .host("127.0.0.1").port(0).tls(tls).dataDir(dir.resolve("data")).build().start()) {
            assertThat(server.baseUri().getScheme()).isEqualTo("https");
            assertThat(probe(server.port(), "TLSv1.3")).startsWith("ok negotiated TLSv1.3");
            assertThat(probe(server.port(), "TLSv1.2")).startsWith("ok negotiated TLSv1.2");
            assertThat(probe(server.port(), "TLSv1.1")).startsWith("refused");
            assertThat(probe(server.port(), "TLSv1")).startsWith("refused");
        }
    }

    @Test
    void aSelfSignedDevelopmentServerRefusesTls11() throws Exception {
        assertOnlyModernTls(ServerTls.selfSigned());
    }

    @Test
    void aPemCertificateServerRefusesTls11() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=localhost")
                .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
        assertThat(openssl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(openssl.exitValue()).isZero();
        assertOnlyModernTls(ServerTls.pem(cert, key));
    }

    @Test
    void theProbeItselfCanSpeakTls11SoARefusalIsTheServers() throws Exception {
        // A JDK server socket that allows TLS 1.1, in a child JVM configured like the probe.
        Path security = dir.resolve("server.security");
        Files.writeString(security, "jdk.tls.disabledAlgorithms=SSLv3, RC4, DES, NULL, anon\n");
        Path log = dir.resolve("legacy.log");
        Process legacy = ChildJvm.start(LegacyTlsServer.class, log, List.of("-Djava.security.properties=" + security));
        try {
            int port = LegacyTlsServer.awaitPort(log);
            assertThat(probe(port, "TLSv1.1")).startsWith("ok negotiated TLSv1.1");
        } finally {
            legacy.destroyForcibly();
        }
    }
}
