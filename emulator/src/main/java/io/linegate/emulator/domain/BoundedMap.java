package io.linegate.emulator.domain;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A thread-safe map that forgets its oldest entries beyond {@code max}: bounded memory under load tests. */
public final class BoundedMap {
    private BoundedMap() {}

    public static <K, V> Map<K, V> of(int max) {
        return Collections.synchronizedMap(new LinkedHashMap<K, V>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > max;
            }
        });
    }
}
