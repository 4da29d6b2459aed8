package io.linegate.cli.preflight;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The certificates preflight trusts: the JVM's trust store (the public CAs LINE's webhook client
 * trusts too) plus the PEM files of {@code --trust} (a private CA, or a development certificate such
 * as a {@code --dev-tls} server's). A chain is trusted if either accepts it.
 */
final class Trust extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager jvm;
    private final X509ExtendedTrustManager extra; // null without --trust

    private Trust(X509ExtendedTrustManager jvm, X509ExtendedTrustManager extra) {
        this.jvm = jvm;
        this.extra = extra;
    }

    static Trust of(List<Path> pemFiles) {
        try {
            X509ExtendedTrustManager jvm = managerFor(null);
            if (pemFiles.isEmpty()) {
                return new Trust(jvm, null);
            }
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int n = 0;
            for (Path pem : pemFiles) {
                for (X509Certificate c : read(pem)) {
                    ks.setCertificateEntry("trusted-" + n++, c);
                }
            }
            return new Trust(jvm, managerFor(ks));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up certificate trust: " + e.getMessage(), e);
        }
    }

    /** The certificates of a PEM file; a clear error naming the file when it has none. */
    static List<X509Certificate> read(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : certs) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("--trust " + pem + " holds no PEM certificate");
            }
            return out;
        } catch (IOException e) {
            throw new IllegalArgumentException("--trust " + pem + ": cannot read it (" + e.getMessage() + ")");
        } catch (CertificateException e) {
            throw new IllegalArgumentException("--trust " + pem + " is not a PEM certificate file (" + e.getMessage() + ")");
        }
    }

    private static X509ExtendedTrustManager managerFor(KeyStore ks) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager) {
                return (X509ExtendedTrustManager) tm;
            }
        }
        throw new GeneralSecurityException("the JVM offers no X.509 trust manager");
    }

    private interface Attempt {
        void check(X509ExtendedTrustManager tm) throws CertificateException;
    }

    private void either(Attempt a) throws CertificateException {
        try {
            a.check(jvm);
        } catch (CertificateException jvmSaysNo) {
            if (extra == null) {
                throw jvmSaysNo;
            }
            try {
                a.check(extra);
            } catch (CertificateException extraSaysNo) {
                jvmSaysNo.addSuppressed(extraSaysNo);
                throw jvmSaysNo;
            }
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        either(tm -> tm.checkServerTrusted(chain, authType));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        either(tm -> tm.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        either(tm -> tm.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("preflight trusts servers only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("preflight trusts servers only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("preflight trusts servers only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        List<X509Certificate> all = new ArrayList<>(List.of(jvm.getAcceptedIssuers()));
        if (extra != null) {
            all.addAll(List.of(extra.getAcceptedIssuers()));
        }
        return all.toArray(new X509Certificate[0]);
    }
}
