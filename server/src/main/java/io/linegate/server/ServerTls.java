package io.linegate.server;

import com.linecorp.armeria.server.ServerBuilder;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import javax.net.ssl.KeyManagerFactory;

/**
 * How the server speaks TLS. The guidelines require TLS 1.2 or later for webhooks, so every TLS
 * variant is limited to TLS 1.3 and 1.2; plain HTTP exists only as an explicit choice for loopback
 * tests and for running behind a TLS-terminating proxy.
 */
public abstract class ServerTls {
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private ServerTls() {}

    abstract boolean isTls();

    abstract void apply(ServerBuilder sb);

    /** A PEM certificate chain and its PEM private key (PKCS#8). */
    public static ServerTls pem(Path certificateChain, Path privateKey) {
        return new Tls("PEM " + certificateChain) {
            @Override
            void configure(ServerBuilder sb) {
                sb.tls(certificateChain.toFile(), privateKey.toFile());
            }
        };
    }

    /** A PKCS#12 key store holding the certificate chain and key. */
    public static ServerTls pkcs12(Path keyStore, char[] password) {
        return new Tls("PKCS12 " + keyStore) {
            @Override
            void configure(ServerBuilder sb) {
                try (InputStream in = Files.newInputStream(keyStore)) {
                    KeyStore ks = KeyStore.getInstance("PKCS12");
                    ks.load(in, password);
                    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                    kmf.init(ks, password);
                    sb.tls(kmf);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read PKCS12 key store " + keyStore, e);
                } catch (GeneralSecurityException e) {
                    throw new IllegalArgumentException("cannot load PKCS12 key store " + keyStore + ": " + e.getMessage(), e);
                }
            }
        };
    }

    /**
     * A self-signed certificate for {@code localhost} made at start-up, for development only
     * (--dev-tls): a bot on this machine is then reachable as {@code https://localhost:PORT} by the
     * emulator and by {@code linegate preflight}, both of which check host names. (Armeria's own
     * self-signed certificate names the machine's host name, which no local client uses.)
     */
    public static ServerTls selfSigned() {
        return new Tls("self-signed for localhost (development only)") {
            @Override
            void configure(ServerBuilder sb) {
                try {
                    SelfSignedCertificate c = new SelfSignedCertificate("localhost");
                    sb.tls(c.key(), c.cert());
                    c.delete(); // the key and certificate are in memory now; no files stay behind
                } catch (CertificateException e) {
                    throw new IllegalStateException("cannot make a self-signed certificate: " + e.getMessage(), e);
                }
            }
        };
    }

    /** The file {@link #selfSignedIn} keeps its certificate in: what a client on this machine is told to trust. */
    public static final String DEV_TLS_CERTIFICATE = "dev-tls-certificate.pem";

    /** The file {@link #selfSignedIn} keeps the certificate's private key in (PKCS#8), readable by its owner only. */
    public static final String DEV_TLS_KEY = "dev-tls-key.pem";

    /**
     * As {@link #selfSigned()}, but kept in {@code dir} ({@value #DEV_TLS_CERTIFICATE} and
     * {@value #DEV_TLS_KEY}): made on the first start, reused by the next ones, so that a client told to
     * trust the certificate file ({@code linegate preflight --trust}, {@code curl --cacert}, the
     * emulator's trust file) goes on trusting the server after a restart. Development only.
     */
    public static ServerTls selfSignedIn(Path dir) {
        Path certificate = dir.resolve(DEV_TLS_CERTIFICATE);
        Path key = dir.resolve(DEV_TLS_KEY);
        return new Tls("self-signed for localhost, its certificate in " + certificate + " (development only)") {
            @Override
            void configure(ServerBuilder sb) {
                try {
                    if (!Files.isRegularFile(certificate) || !Files.isRegularFile(key)) {
                        Files.createDirectories(dir);
                        SelfSignedCertificate c = new SelfSignedCertificate("localhost");
                        try {
                            byte[] pem = Files.readAllBytes(c.privateKey().toPath());
                            Files.deleteIfExists(key);
                            if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
                                Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                            }
                            Files.write(key, pem);
                            Files.write(certificate, Files.readAllBytes(c.certificate().toPath())); // last: both exist once it does
                        } finally {
                            c.delete();
                        }
                    }
                    sb.tls(certificate.toFile(), key.toFile());
                } catch (IOException | CertificateException e) {
                    throw new IllegalStateException("cannot make or read the --dev-tls certificate in " + dir + ": "
                            + e.getMessage(), e);
                }
            }
        };
    }

    /** Plain HTTP (--insecure-http): loopback tests, or behind a proxy that terminates TLS. */
    public static ServerTls insecureHttp() {
        return new ServerTls() {
            @Override
            boolean isTls() {
                return false;
            }

            @Override
            void apply(ServerBuilder sb) {
            }

            @Override
            public String toString() {
                return "plain HTTP (insecure)";
            }
        };
    }

    private abstract static class Tls extends ServerTls {
        private final String description;

        Tls(String description) {
            this.description = description;
        }

        abstract void configure(ServerBuilder sb);

        @Override
        boolean isTls() {
            return true;
        }

        @Override
        void apply(ServerBuilder sb) {
            configure(sb);
            sb.tlsCustomizer(ssl -> ssl.protocols(PROTOCOLS));
        }

        @Override
        public String toString() {
            return "TLS 1.2/1.3, " + description;
        }
    }
}
