package io.linegate.cli.preflight;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * TLS handshakes offering exactly one protocol version each, as a client that still speaks TLS 1.0
 * and 1.1 would: BoringSSL (through netty-tcnative) is used because the JDK disables those versions
 * in its own security settings, so a refusal is the server's and not this client's. The certificate
 * is not judged here ({@link CertificateCheck} does that); the chain is kept for it.
 */
final class TlsProbe {
    static final List<String> VERSIONS = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    /** One handshake: accepted or not, and with what. */
    record Attempt(String offered, boolean connected, boolean accepted, String negotiated, String error,
                   List<X509Certificate> chain) {}

    /** Every version tried; {@code canOfferLegacy} is false when no client here can offer TLS 1.0/1.1. */
    record Result(List<Attempt> attempts, boolean canOfferLegacy) {
        Attempt of(String version) {
            return attempts.stream().filter(a -> a.offered().equals(version)).findFirst().orElseThrow();
        }

        /** The server's chain, from the newest version it accepted; empty if it accepted none. */
        List<X509Certificate> chain() {
            for (int i = attempts.size() - 1; i >= 0; i--) {
                if (attempts.get(i).accepted() && !attempts.get(i).chain().isEmpty()) {
                    return attempts.get(i).chain();
                }
            }
            return List.of();
        }
    }

    private TlsProbe() {}

    static Result probe(String host, int port, Duration timeout) {
        boolean openSsl = OpenSsl.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            List<Attempt> attempts = new ArrayList<>();
            for (String v : VERSIONS) {
                attempts.add(handshake(group, openSsl ? SslProvider.OPENSSL : SslProvider.JDK, host, port, v, timeout));
            }
            return new Result(attempts, openSsl);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static Attempt handshake(EventLoopGroup group, SslProvider provider, String host, int port, String version,
                                     Duration timeout) {
        SslContext ctx;
        try {
            ctx = SslContextBuilder.forClient().sslProvider(provider).protocols(version)
                    .ciphers(null, IdentityCipherSuiteFilter.INSTANCE_DEFAULTING_TO_SUPPORTED_CIPHERS)
                    .trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .build();
        } catch (Exception e) {
            return new Attempt(version, false, false, null, "this client cannot offer " + version + ": " + e.getMessage(), List.of());
        }
        // Kept here: a refused handshake closes the channel, which takes the handler out of its pipeline.
        AtomicReference<SslHandler> handler = new AtomicReference<>();
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        SslHandler ssl = ctx.newHandler(ch.alloc(), host, port);
                        ssl.setHandshakeTimeoutMillis(timeout.toMillis());
                        handler.set(ssl);
                        ch.pipeline().addLast(ssl);
                    }
                });
        ChannelFuture connect = b.connect(host, port).awaitUninterruptibly();
        if (!connect.isSuccess()) {
            return new Attempt(version, false, false, null, Http.describe(connect.cause(), timeout), List.of());
        }
        Channel ch = connect.channel();
        try {
            SslHandler ssl = handler.get();
            var done = ssl.handshakeFuture();
            if (!done.awaitUninterruptibly(timeout.toMillis() + 1000)) {
                return new Attempt(version, true, false, null, "no handshake within " + Http.seconds(timeout), List.of());
            }
            if (!done.isSuccess()) {
                return new Attempt(version, true, false, null, Http.describe(done.cause(), timeout), List.of());
            }
            SSLSession session = ssl.engine().getSession();
            List<X509Certificate> chain = new ArrayList<>();
            try {
                for (Certificate c : session.getPeerCertificates()) {
                    if (c instanceof X509Certificate) {
                        chain.add((X509Certificate) c);
                    }
                }
            } catch (SSLPeerUnverifiedException e) {
                // no certificate: the chain stays empty and the certificate check says so
            }
            return new Attempt(version, true, true, session.getProtocol(), null, chain);
        } finally {
            ch.close().awaitUninterruptibly(1000);
        }
    }
}
