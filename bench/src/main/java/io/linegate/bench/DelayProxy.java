package io.linegate.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A TCP proxy that adds a fixed delay in each direction, standing for the network between linegate nodes
 * and their PostgreSQL server (issue 24, "How fast": a real network has at least 2 ms each way):
 * {@code delay-proxy --listen=15433 --target=15432 --delay-ms=2}. Every chunk read from one side is
 * written to the other no earlier than {@code --delay-ms} after it was read, in the order it was read;
 * the end of a stream (FIN) is passed on the same way, after the data before it.
 *
 * <p>Loopback only (it listens on 127.0.0.1 and forwards to 127.0.0.1). Bounded: one thread for every
 * connection (a selector), at most {@code --max-connections} connections (more are closed on accept and
 * counted), at most {@code --buffer-kib} KiB held per direction of a connection (reading from that side
 * pauses until the other side has taken some: TCP back-pressure, as a real network's window does).
 *
 * <p>The delay is a lower bound: a chunk waits until its time is due, to within about 0.2 ms (the
 * selector waits in whole milliseconds, the last one is slept with {@link LockSupport#parkNanos}). On exit
 * (SIGTERM) it prints the time chunks were actually held: {@code RESULT held_p50_ms}, {@code held_p99_ms}.
 */
final class DelayProxy {
    private static final int CHUNK = 16 * 1024;
    /** The end of a stream, in a pipe's chunks. */
    private static final ByteBuffer END = ByteBuffer.allocate(0);

    private final long delayNanos;
    private final int maxConnections;
    private final long bufferBytes;
    private final InetSocketAddress target;
    private final Recorder held = new Recorder(TimeUnit.SECONDS.toNanos(10), 3);
    private final Histogram heldTotal = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
    /** Chunks (and ends of stream) in the order they were read: since the delay is one constant, also in due order. */
    private final ArrayDeque<Release> due = new ArrayDeque<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(CHUNK);
    private int connections;
    private long accepted;
    private long refused;
    private long bytes;

    private DelayProxy(InetSocketAddress target, long delayNanos, int maxConnections, long bufferBytes) {
        this.target = target;
        this.delayNanos = delayNanos;
        this.maxConnections = maxConnections;
        this.bufferBytes = bufferBytes;
    }

    static void run(Args a) throws Exception {
        int listen = a.integer("listen", 15433);
        String to = a.str("target", null);
        double delayMs = a.dbl("delay-ms", 2.0);
        int maxConnections = a.integer("max-connections", 256);
        int bufferKib = a.integer("buffer-kib", 1024);
        if (delayMs < 0 || delayMs > 10_000) {
            throw new IllegalArgumentException("--delay-ms must be between 0 and 10000, got " + delayMs);
        }
        if (maxConnections < 1 || bufferKib < 16) {
            throw new IllegalArgumentException("--max-connections must be >= 1 and --buffer-kib >= 16");
        }
        InetSocketAddress target = loopback(to);
        DelayProxy proxy = new DelayProxy(target, Math.round(delayMs * 1e6), maxConnections, bufferKib * 1024L);
        ServerSocketChannel server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listen), 128);
        Selector selector = Selector.open();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread loop = new Thread(() -> {
            try {
                proxy.loop(server, selector);
            } catch (IOException e) {
                System.err.println("delay proxy stopped: " + e);
            } finally {
                stopped.countDown();
            }
        }, "delay-proxy");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            loop.interrupt();
            selector.wakeup();
            try {
                stopped.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.out.println(proxy.report());
            System.out.flush();
        }, "delay-proxy-shutdown"));
        loop.start();
        System.out.printf(Locale.ROOT, "delay proxy ready on 127.0.0.1:%d -> %s, %.3f ms each way, at most %d connections, %d KiB per direction%n",
                listen, target, delayMs, maxConnections, bufferKib);
        System.out.flush();
        stopped.await();
    }

    /** "port" or "127.0.0.1:port" (or "localhost:port"): anything else is refused, the proxy stays on loopback. */
    static InetSocketAddress loopback(String hostPort) throws IOException {
        String host = "127.0.0.1";
        String port = hostPort;
        int colon = hostPort.lastIndexOf(':');
        if (colon >= 0) {
            host = hostPort.substring(0, colon);
            port = hostPort.substring(colon + 1);
        }
        InetAddress address = InetAddress.getByName(host);
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("--target must be a loopback address, got " + hostPort);
        }
        return new InetSocketAddress(address, Integer.parseInt(port));
    }

    private void loop(ServerSocketChannel server, Selector selector) throws IOException {
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        try {
            while (!Thread.currentThread().isInterrupted()) {
                release(System.nanoTime());
                long wait = due.isEmpty() ? Long.MAX_VALUE : due.peekFirst().at - System.nanoTime();
                int ready;
                if (wait >= 1_000_000) {
                    ready = selector.select(wait == Long.MAX_VALUE ? 0 : wait / 1_000_000);
                } else {
                    ready = selector.selectNow();
                    if (ready == 0 && wait > 0) {
                        LockSupport.parkNanos(Math.min(wait, 200_000));
                    }
                }
                if (ready > 0) {
                    for (SelectionKey key : selector.selectedKeys()) {
                        handle(key, selector);
                    }
                    selector.selectedKeys().clear();
                }
            }
        } finally {
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
            selector.close();
        }
    }

    private void handle(SelectionKey key, Selector selector) {
        if (!key.isValid()) {
            return;
        }
        if (key.isAcceptable()) {
            accept((ServerSocketChannel) key.channel(), selector);
            return;
        }
        Side side = (Side) key.attachment();
        try {
            if (key.isConnectable()) {
                ((SocketChannel) key.channel()).finishConnect();
                side.connected = true;
            }
            if (key.isValid() && key.isReadable()) {
                side.read(System.nanoTime());
            }
            if (key.isValid() && key.isWritable()) {
                side.outbound.flush();
            }
            if (key.isValid()) {
                side.interest();
                side.peer.interest();
            }
        } catch (IOException e) {
            side.connection.close();
        }
    }

    private void accept(ServerSocketChannel server, Selector selector) {
        SocketChannel client = null;
        SocketChannel upstream = null;
        try {
            client = server.accept();
            if (client == null) {
                return;
            }
            if (connections >= maxConnections) {
                refused++;
                client.close();
                return;
            }
            client.configureBlocking(false);
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            upstream = SocketChannel.open();
            upstream.configureBlocking(false);
            upstream.setOption(StandardSocketOptions.TCP_NODELAY, true);
            boolean now = upstream.connect(target);
            Connection c = new Connection(client, upstream, selector, now);
            connections++;
            accepted++;
            c.a.interest();
            c.b.interest();
        } catch (IOException e) {
            System.err.println("delay proxy: cannot connect a client to " + target + ": " + e.getMessage());
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    /** Everything due by {@code now} goes to its side's outbound queue, and is written. */
    private void release(long now) {
        while (!due.isEmpty() && due.peekFirst().at <= now) {
            Release r = due.pollFirst();
            Pipe pipe = r.pipe;
            if (pipe.connection.closed) {
                continue;
            }
            held.recordValue(Math.min(now - r.readAt, TimeUnit.SECONDS.toNanos(10)));
            pipe.readyChunks++;
            try {
                pipe.flush();
                pipe.from.interest();
                pipe.to.interest();
            } catch (IOException e) {
                pipe.connection.close();
            }
        }
    }

    private synchronized String report() {
        heldTotal.add(held.getIntervalHistogram());
        return String.format(Locale.ROOT, "RESULT connections %d%nRESULT refused %d%nRESULT chunks %d%nRESULT bytes %d%n"
                        + "RESULT held_p50_ms %.3f%nRESULT held_p99_ms %.3f%nRESULT held_max_ms %.3f%n",
                accepted, refused, heldTotal.getTotalCount(), bytes,
                heldTotal.getValueAtPercentile(50) / 1e6, heldTotal.getValueAtPercentile(99) / 1e6, heldTotal.getMaxValue() / 1e6);
    }

    private static void closeQuietly(SocketChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing: nothing more to do
            }
        }
    }

    /** The next chunk (or end of stream) of {@code pipe}, which may be written from {@code at} on. */
    private record Release(long at, long readAt, Pipe pipe) {
    }

    /** One accepted client and its upstream connection: two sides, two pipes. */
    private final class Connection {
        final Side a;
        final Side b;
        boolean closed;

        Connection(SocketChannel client, SocketChannel upstream, Selector selector, boolean connected) throws IOException {
            a = new Side(this, client, true);
            b = new Side(this, upstream, connected);
            a.peer = b;
            b.peer = a;
            a.outbound = new Pipe(this, b, a);
            b.outbound = new Pipe(this, a, b);
            a.key = client.register(selector, 0, a);
            b.key = upstream.register(selector, connected ? 0 : SelectionKey.OP_CONNECT, b);
        }

        void close() {
            if (closed) {
                return;
            }
            closed = true;
            connections--;
            a.key.cancel();
            b.key.cancel();
            closeQuietly(a.channel);
            closeQuietly(b.channel);
        }
    }

    /** One socket of a connection: what it reads goes to its peer's outbound pipe after the delay. */
    private final class Side {
        final Connection connection;
        final SocketChannel channel;
        boolean connected;
        boolean eof;
        Side peer;
        Pipe outbound; // written to this side
        SelectionKey key;

        Side(Connection connection, SocketChannel channel, boolean connected) {
            this.connection = connection;
            this.channel = channel;
            this.connected = connected;
        }

        void read(long now) throws IOException {
            Pipe pipe = peer.outbound;
            while (!eof && pipe.heldBytes < bufferBytes) {
                readBuffer.clear();
                int n = channel.read(readBuffer);
                if (n == 0) {
                    return;
                }
                if (n < 0) {
                    eof = true;
                    pipe.chunks.addLast(END);
                } else {
                    readBuffer.flip();
                    ByteBuffer chunk = ByteBuffer.allocate(n);
                    chunk.put(readBuffer).flip();
                    pipe.chunks.addLast(chunk);
                    pipe.heldBytes += n;
                    bytes += n;
                }
                due.addLast(new Release(now + delayNanos, now, pipe));
            }
        }

        /** Reads while its peer's pipe has room, writes while this side's pipe has something due and unwritten. */
        void interest() {
            if (connection.closed || !key.isValid()) {
                return;
            }
            int ops = 0;
            if (!connected) {
                ops = SelectionKey.OP_CONNECT;
            } else {
                if (!eof && peer.outbound.heldBytes < bufferBytes) {
                    ops |= SelectionKey.OP_READ;
                }
                if (outbound.readyChunks > 0) {
                    ops |= SelectionKey.OP_WRITE;
                }
            }
            if (key.interestOps() != ops) {
                key.interestOps(ops);
            }
        }
    }

    /** The bytes going to one side, in the order they were read from the other; the first readyChunks are due. */
    private final class Pipe {
        final Connection connection;
        final Side from;
        final Side to;
        final ArrayDeque<ByteBuffer> chunks = new ArrayDeque<>();
        int readyChunks;
        long heldBytes;
        boolean ended;

        Pipe(Connection connection, Side from, Side to) {
            this.connection = connection;
            this.from = from;
            this.to = to;
        }

        void flush() throws IOException {
            if (!to.connected) {
                return;
            }
            while (readyChunks > 0) {
                ByteBuffer head = chunks.peekFirst();
                if (head == END) {
                    chunks.pollFirst();
                    readyChunks--;
                    ended = true;
                    to.channel.shutdownOutput();
                    if (from.outbound.ended) { // both directions ended, in order
                        connection.close();
                    }
                    return;
                }
                int before = head.remaining();
                to.channel.write(head);
                heldBytes -= before - head.remaining();
                if (head.hasRemaining()) {
                    return; // the socket is full: OP_WRITE tells when it has room
                }
                chunks.pollFirst();
                readyChunks--;
            }
        }
    }
}
