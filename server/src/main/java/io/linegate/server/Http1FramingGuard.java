package io.linegate.server;

import io.linegate.core.RateLimitedLog;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Refuses HTTP/1 requests whose framing two parsers could read differently, which behind a
 * TLS-terminating proxy ({@code --insecure-http}) is request smuggling: a {@code Transfer-Encoding}
 * other than exactly {@code chunked}, a {@code Transfer-Encoding} together with a
 * {@code Content-Length}, and an HTTP/1.1 request without exactly one {@code Host}. Netty already
 * refuses {@code chunked} with a length, two lengths and bad chunk sizes, but reads
 * {@code Transfer-Encoding: xchunked} by its length, and Armeria drops {@code Transfer-Encoding} and
 * fills in a missing {@code Host} before a decorator could see them; so the check runs on Netty's own
 * request object, between its decoder and Armeria's. A refused request is marked as a decoding
 * failure, which Armeria answers with {@code 400} and a closed connection, so the bytes after it
 * are never read as another request.
 *
 * <p>Armeria builds the HTTP/1 pipeline only once it knows the protocol, so {@link #installer}
 * waits for it: on a plain-text port it stands at the head and lets the first bytes through one at a
 * time until Armeria has chosen HTTP/1 (one or two bytes) or HTTP/2 (the 24-byte preface); on a TLS
 * port Armeria adds the HTTP/1 handlers behind it when the handshake completes.
 */
final class Http1FramingGuard extends ChannelInboundHandlerAdapter {
    /** Armeria's HTTP/1 request decoder, which the guard stands in front of. */
    private static final String ARMERIA_DECODER = "com.linecorp.armeria.server.Http1RequestDecoder";
    private static final int HTTP2_PREFACE_LENGTH = 24;

    private final RateLimitedLog clientErrors;

    private Http1FramingGuard(RateLimitedLog clientErrors) {
        this.clientErrors = clientErrors;
    }

    /** For {@code ServerBuilder.childChannelPipelineCustomizer}. */
    static Consumer<ChannelPipeline> installer(boolean tls, RateLimitedLog clientErrors) {
        return p -> {
            Installer installer = new Installer(tls, clientErrors);
            if (tls) {
                p.addLast("linegate-framing-installer", installer);
            } else {
                p.addFirst("linegate-framing-installer", installer);
            }
        };
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest req && req.decoderResult().isSuccess()) {
            String problem = problem(req);
            if (problem != null) {
                clientErrors.info("- {} {} from {}: {}; answered 400 and closed the connection", req.method(),
                        req.uri(), remote(ctx), problem);
                req.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(problem)));
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** Why the request's framing is ambiguous, or null if it is not. */
    static String problem(HttpRequest req) {
        List<String> te = req.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (!te.isEmpty()) {
            if (te.size() != 1 || !te.get(0).strip().toLowerCase(Locale.ROOT).equals("chunked")) {
                return "Transfer-Encoding must be exactly \"chunked\", was " + te;
            }
            if (req.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
                return "Transfer-Encoding and Content-Length together";
            }
        }
        int hosts = req.headers().getAll(HttpHeaderNames.HOST).size();
        if (hosts > 1 || (hosts == 0 && req.protocolVersion().equals(HttpVersion.HTTP_1_1))) {
            return hosts == 0 ? "no Host header" : hosts + " Host headers";
        }
        return null;
    }

    private static String remote(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof java.net.InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
    }

    /** Puts a guard in front of Armeria's HTTP/1 decoder once there is one, then leaves. */
    private static final class Installer extends ChannelInboundHandlerAdapter {
        private final boolean tls;
        private final RateLimitedLog clientErrors;
        private int forwarded;

        Installer(boolean tls, RateLimitedLog clientErrors) {
            this.tls = tls;
            this.clientErrors = clientErrors;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (tryInstall(ctx) || !(msg instanceof ByteBuf in) || tls) {
                ctx.pipeline().remove(this);
                ctx.fireChannelRead(msg);
                return;
            }
            // Plain text: one byte at a time until Armeria has chosen the protocol.
            while (in.isReadable()) {
                ctx.fireChannelRead(in.readRetainedSlice(1));
                forwarded++;
                if (tryInstall(ctx) || forwarded >= HTTP2_PREFACE_LENGTH) {
                    ctx.pipeline().remove(this);
                    if (in.isReadable()) {
                        ctx.fireChannelRead(in.retain());
                    }
                    break;
                }
            }
            in.release();
        }

        /** True once a guard stands in front of Armeria's HTTP/1 decoder. */
        private boolean tryInstall(ChannelHandlerContext ctx) {
            for (Map.Entry<String, ChannelHandler> e : ctx.pipeline()) {
                if (e.getValue() instanceof Http1FramingGuard) {
                    return true;
                }
                if (e.getValue().getClass().getName().equals(ARMERIA_DECODER)) {
                    ctx.pipeline().addBefore(e.getKey(), "linegate-framing-guard", new Http1FramingGuard(clientErrors));
                    return true;
                }
            }
            return false;
        }
    }
}
