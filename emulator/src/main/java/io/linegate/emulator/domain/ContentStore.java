package io.linegate.emulator.domain;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Binary content users sent (images...), served by Get content on api-data. Bounded by total bytes:
 * the oldest content is dropped first, after which Get content answers 410 like expired content.
 */
public final class ContentStore {
    /** {@code unsent} content answers 410, as after an unsend event. */
    public record Content(byte[] bytes, String contentType, boolean unsent) {}

    private final long maxBytes;
    private final LinkedHashMap<String, Content> items = new LinkedHashMap<>();
    private final Set<String> evicted = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
            return size() > 100_000;
        }
    });
    private long bytes;

    public ContentStore(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public synchronized void put(String messageId, byte[] content, String type) {
        items.put(messageId, new Content(content, type, false));
        bytes += content.length;
        Iterator<Map.Entry<String, Content>> it = items.entrySet().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            Map.Entry<String, Content> e = it.next();
            if (e.getKey().equals(messageId)) {
                break;
            }
            bytes -= e.getValue().bytes().length;
            evicted.add(e.getKey());
            it.remove();
        }
    }

    public synchronized Content get(String messageId) {
        Content c = items.get(messageId);
        if (c == null && evicted.contains(messageId)) {
            return new Content(new byte[0], null, true);
        }
        return c;
    }

    public synchronized void markUnsent(String messageId) {
        Content c = items.get(messageId);
        if (c != null) {
            items.put(messageId, new Content(c.bytes(), c.contentType(), true));
        }
    }

    public synchronized void clear() {
        items.clear();
        evicted.clear();
        bytes = 0;
    }
}
