package io.linegate.emulator.domain;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts the certificates of a PEM file ({@code webhookTrustCertificate}: a local bot's self-signed
 * certificate, or several), read again whenever the file changes, so that a bot started after the
 * emulator with a fresh development certificate ({@code linegate serve --dev-tls}) can be trusted by
 * appending its certificate to the file. Chain and host name checks are the JDK's.
 */
final class ReloadingTrust extends X509ExtendedTrustManager {
    private final Path file;
    private FileTime loadedModified;
    private long loadedSize = -1;
    private X509ExtendedTrustManager delegate;

    private ReloadingTrust(Path file) {
        this.file = file;
    }

    /** Reads the file now, so that a missing or malformed file is an error at start-up. */
    static TrustManager of(Path file) {
        ReloadingTrust t = new ReloadingTrust(file);
        try {
            t.current();
        } catch (CertificateException e) {
            throw new IllegalArgumentException("webhookTrustCertificate " + file + ": " + e.getMessage(), e);
        }
        return t;
    }

    private synchronized X509ExtendedTrustManager current() throws CertificateException {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            if (delegate == null || !modified.equals(loadedModified) || size != loadedSize) {
                delegate = load(file);
                loadedModified = modified;
                loadedSize = size;
            }
            return delegate;
        } catch (IOException e) {
            if (delegate != null) {
                return delegate; // being rewritten: keep what was trusted until it is readable again
            }
            throw new CertificateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static X509ExtendedTrustManager load(Path file) throws IOException, CertificateException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new CertificateException("no certificate in " + file);
            }
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("trusted-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager) {
                    return (X509ExtendedTrustManager) tm;
                }
            }
            throw new CertificateException("the JDK offers no X509 trust manager");
        } catch (GeneralSecurityException e) {
            throw e instanceof CertificateException ? (CertificateException) e : new CertificateException(e.getMessage(), e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        current().checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        current().checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        current().checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("the webhook client trusts servers only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("the webhook client trusts servers only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the webhook client trusts servers only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        try {
            return current().getAcceptedIssuers();
        } catch (CertificateException e) {
            return new X509Certificate[0];
        }
    }
}
