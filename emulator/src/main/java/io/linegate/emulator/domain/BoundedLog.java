package io.linegate.emulator.domain;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** A ring of the last {@code limit} records, for delivery logs and similar histories. */
public final class BoundedLog<T> {
    private final int limit;
    private final ArrayDeque<T> items = new ArrayDeque<>();

    public BoundedLog(int limit) {
        this.limit = Math.max(1, limit);
    }

    public synchronized void add(T item) {
        if (items.size() >= limit) {
            items.pollFirst();
        }
        items.addLast(item);
    }

    /** The newest {@code max} records, oldest first. */
    public synchronized List<T> last(int max) {
        List<T> all = new ArrayList<>(items);
        return all.subList(Math.max(0, all.size() - max), all.size());
    }

    public synchronized void clear() {
        items.clear();
    }
}
