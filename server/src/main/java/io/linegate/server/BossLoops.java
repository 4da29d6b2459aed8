package io.linegate.server;

import com.linecorp.armeria.common.Flags;
import com.linecorp.armeria.common.util.ThreadFactories;
import com.linecorp.armeria.common.util.TransportType;
import com.linecorp.armeria.server.ServerBuilder;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The loops that accept connections, stopped without Netty's two-second quiet period.
 *
 * <p>Armeria stops a server in this order: close the listening sockets, answer the requests in flight
 * (the graceful-shutdown quiet period and timeout, which {@link LinegateServer} sets), close the
 * connections, then shut down each port's accepting loop with {@code shutdownGracefully()}, whose
 * default waits until the loop has been idle for 2 s. Nothing is accepted or in flight by then, so
 * that wait only makes every stop 2 s longer (a rolling restart, a test that starts many servers).
 * These loops shut down as soon as they are idle; the wait for requests in flight is unchanged.
 */
final class BossLoops {
    private static final long TIMEOUT_SECONDS = 5;

    private BossLoops() {
    }

    /** Installs such loops where the transport is one this knows (epoll, NIO); other transports keep Armeria's. */
    static void install(ServerBuilder sb) {
        TransportType transport = Flags.transportType();
        IoHandlerFactory handlers;
        if (transport == TransportType.EPOLL) {
            handlers = EpollIoHandler.newFactory();
        } else if (transport == TransportType.NIO) {
            handlers = NioIoHandler.newFactory();
        } else {
            return;
        }
        sb.bossGroupFactory(name -> new MultiThreadIoEventLoopGroup(1, ThreadFactories.newThreadFactory(name, false), handlers) {
            @Override
            public Future<?> shutdownGracefully() {
                return shutdownGracefully(0, TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        });
    }
}
