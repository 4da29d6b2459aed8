package io.linegate.emulator.chat;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpResponseWriter;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.domain.Channel;
import io.linegate.emulator.domain.Conversation;
import io.linegate.emulator.domain.Ids;
import io.linegate.emulator.domain.Platform;
import io.linegate.emulator.http.ApiService;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code GET /chat/v1/chats/{chatId}/events?channelId=&after=}: a chat's new items and delivery
 * outcomes as server-sent events, so that every tab open on a chat shows the same thing as it
 * happens. Event {@code items} carries {@code {"items":[...]}} (new or updated, to upsert by
 * {@code seq}); {@code read} carries {@code {"readUpTo":seq}}, the latest item the bot marked as read;
 * {@code resync} says the page fell behind and must read the transcript again;
 * {@code reset} says the conversation was forgotten (control API reset).
 *
 * <p>Bounded: at most {@code chatStreamLimit} streams at once (then 503); each stream holds at most
 * {@value #MAX_PENDING} items waiting to be written (then it drops them and sends {@code resync});
 * a client that reads nothing for {@value #STALLED_SECONDS} s is disconnected. The platform's threads
 * only add to a queue: one timer thread writes, batched every {@value #FLUSH_MS} ms.
 */
final class ChatStreams implements HttpService, AutoCloseable {
    static final int MAX_PENDING = 2000;
    static final long FLUSH_MS = 50;
    static final long PING_SECONDS = 15;
    static final long STALLED_SECONDS = 60;
    private static final byte[] ITEMS = "event: items\ndata: ".getBytes(StandardCharsets.US_ASCII);

    private final Platform platform;
    private final int limit;
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final AtomicInteger open = new AtomicInteger();
    private final ScheduledExecutorService timer;

    ChatStreams(Platform platform, int limit) {
        this.platform = platform;
        this.limit = limit;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "emulator-chat-streams");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::flushAll, FLUSH_MS, FLUSH_MS, TimeUnit.MILLISECONDS);
    }

    /** Streams open now. */
    int open() {
        return open.get();
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        QueryParams q = ctx.query() == null ? QueryParams.of() : QueryParams.fromQueryString(ctx.query());
        Channel ch;
        try {
            ch = platform.channel(q.get("channelId"));
        } catch (ApiException e) {
            return ApiService.error(e);
        }
        String chatId = ctx.pathParam("chatId");
        if (chatId == null || !(Ids.isUserId(chatId) || Ids.isGroupId(chatId) || Ids.isRoomId(chatId))) {
            return ApiService.error(ApiException.invalidProperty("chatId"));
        }
        long after;
        try {
            after = q.get("after") == null ? Long.MAX_VALUE : Long.parseLong(q.get("after"));
        } catch (NumberFormatException e) {
            return ApiService.error(ApiException.invalid(List.of(new ApiException.Detail("Must be a number", "after"))));
        }
        if (open.incrementAndGet() > limit) {
            open.decrementAndGet();
            return ApiService.error(ApiException.line(HttpStatus.SERVICE_UNAVAILABLE, "Too many chat page streams are open ("
                    + limit + ", chatStreamLimit); close some tabs"));
        }
        ctx.clearRequestTimeout(); // a stream lasts as long as the tab
        HttpResponseWriter writer = HttpResponse.streaming();
        writer.write(ResponseHeaders.builder(HttpStatus.OK)
                .contentType(MediaType.EVENT_STREAM)
                .add("cache-control", "no-store")
                .add("x-content-type-options", "nosniff")
                .build());
        Conversation chat = ch.conversation(chatId); // null with inboxLimit 0: nothing is kept, nothing to watch
        Stream s = new Stream(writer, chat);
        streams.add(s);
        if (chat != null) {
            chat.watch(s);
            if (after != Long.MAX_VALUE) {
                // What happened since the page read the transcript, so that nothing falls between the two.
                chat.transcript(after).forEach(s::changed);
                s.read(chat.readUpTo());
            }
        }
        s.write(": connected\n\n");
        writer.whenComplete().handle((v, t) -> {
            s.release();
            return null;
        });
        return writer;
    }

    private void flushAll() {
        for (Stream s : streams) {
            try {
                s.flush();
            } catch (RuntimeException e) {
                s.close();
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        streams.forEach(Stream::close);
    }

    /** One open stream: a bounded queue the platform fills and the timer drains. */
    private final class Stream implements Conversation.Watcher {
        private final HttpResponseWriter writer;
        private final Conversation chat;
        private final Queue<Conversation.Item> pending = new ConcurrentLinkedQueue<>();
        private final AtomicInteger size = new AtomicInteger();
        private final AtomicLong readUpTo = new AtomicLong(); // a read mark to write; 0: none
        private volatile boolean overflow;
        private volatile boolean forgotten;
        // Guarded by this stream's lock: the timer writes, and the request thread writes the first comment.
        private CompletableFuture<Void> lastWrite = CompletableFuture.completedFuture(null);
        private long lastWriteAt = System.nanoTime();
        private boolean released;

        Stream(HttpResponseWriter writer, Conversation chat) {
            this.writer = writer;
            this.chat = chat;
        }

        @Override
        public void changed(Conversation.Item item) {
            if (size.incrementAndGet() > MAX_PENDING) {
                size.decrementAndGet();
                overflow = true;
                return;
            }
            pending.add(item);
        }

        @Override
        public void read(long upToSeq) {
            readUpTo.accumulateAndGet(upToSeq, Math::max);
        }

        @Override
        public void forgotten() {
            forgotten = true;
        }

        /** On the timer thread only. */
        synchronized void flush() {
            if (!writer.isOpen()) {
                release();
                return;
            }
            long now = System.nanoTime();
            if (!lastWrite.isDone()) {
                if (now - lastWriteAt > TimeUnit.SECONDS.toNanos(STALLED_SECONDS)) {
                    close(); // reads nothing: let go of it (EventSource reconnects a live tab)
                }
                return; // the client is behind: items wait (bounded), then resync
            }
            if (forgotten) {
                write("event: reset\ndata: {}\n\n");
                close();
                return;
            }
            if (overflow) {
                drain(null);
                overflow = false;
                write("event: resync\ndata: {}\n\n");
                return;
            }
            if (size.get() > 0) {
                // Coalesced by seq: an item and its delivery outcomes in one tick are written once, as they are now.
                Map<Long, Conversation.Item> batch = new LinkedHashMap<>();
                drain(batch);
                byte[] data = ChatJson.items(batch.values());
                byte[] event = new byte[ITEMS.length + data.length + 2];
                System.arraycopy(ITEMS, 0, event, 0, ITEMS.length);
                System.arraycopy(data, 0, event, ITEMS.length, data.length);
                event[event.length - 2] = '\n';
                event[event.length - 1] = '\n';
                write(event);
            }
            long read = readUpTo.getAndSet(0);
            if (read > 0) {
                write("event: read\ndata: {\"readUpTo\":" + read + "}\n\n");
            } else if (now - lastWriteAt > TimeUnit.SECONDS.toNanos(PING_SECONDS)) {
                write(": ping\n\n");
            }
        }

        private void drain(Map<Long, Conversation.Item> into) {
            Conversation.Item i;
            while ((i = pending.poll()) != null) {
                size.decrementAndGet();
                if (into != null) {
                    into.put(i.seq(), i);
                }
            }
        }

        synchronized void write(String text) {
            write(text.getBytes(StandardCharsets.UTF_8));
        }

        synchronized void write(byte[] bytes) {
            if (writer.tryWrite(HttpData.wrap(bytes))) {
                lastWrite = writer.whenConsumed();
                lastWriteAt = System.nanoTime();
            }
        }

        synchronized void close() {
            writer.close();
            release();
        }

        synchronized void release() {
            if (released) {
                return;
            }
            released = true;
            if (chat != null) {
                chat.unwatch(this);
            }
            streams.remove(this);
            open.decrementAndGet();
            drain(null);
        }
    }
}
