package io.linegate.emulator.domain;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the users did with a channel's rich menus, per menu and day (JST): how often it was shown
 * (an impression) and by whom, and how often each tappable area was tapped (a click) and by whom,
 * for the rich menu insight (Messaging API reference, "Get rich menu insight summary" and "... daily").
 * Recorded through the control API. Bounded: {@link #MAX_DAYS} days per menu, the oldest forgotten.
 * Thread-safe.
 */
public final class RichMenuInsight {
    /** Three years and a day: the oldest start date the reference accepts. */
    public static final int MAX_DAYS = 3 * 366 + 1;

    /** One day's figures of one menu. */
    public static final class Day {
        long impressions;
        final Set<String> viewers = new HashSet<>();
        final Map<Integer, Long> clicks = new HashMap<>();
        final Map<Integer, Set<String>> clickers = new HashMap<>();

        public long impressions() {
            return impressions;
        }

        public Set<String> viewers() {
            return viewers;
        }

        public long clicks(int area) {
            return clicks.getOrDefault(area, 0L);
        }

        public Set<String> clickers(int area) {
            return clickers.getOrDefault(area, Set.of());
        }

        /** Everyone who tapped any area that day. */
        public Set<String> allClickers() {
            Set<String> all = new HashSet<>();
            clickers.values().forEach(all::addAll);
            return all;
        }
    }

    private final Map<String, NavigableMap<String, Day>> menus = new HashMap<>();

    private Day day(String richMenuId, String date) {
        NavigableMap<String, Day> days = menus.computeIfAbsent(richMenuId, k -> new TreeMap<>());
        Day d = days.computeIfAbsent(date, k -> new Day());
        while (days.size() > MAX_DAYS) {
            days.pollFirstEntry();
        }
        return d;
    }

    /** {@code user} was shown the menu on {@code date} (yyyyMMdd, JST). */
    public synchronized void impression(String richMenuId, String user, String date) {
        Day d = day(richMenuId, date);
        d.impressions++;
        d.viewers.add(user);
    }

    /** {@code user} tapped area {@code area} (its index in the menu's {@code areas}) on {@code date}. */
    public synchronized void click(String richMenuId, int area, String user, String date) {
        Day d = day(richMenuId, date);
        d.clicks.merge(area, 1L, Long::sum);
        d.clickers.computeIfAbsent(area, k -> new HashSet<>()).add(user);
    }

    /** The days from {@code from} to {@code to} (inclusive, yyyyMMdd) with figures, copied. */
    public synchronized NavigableMap<String, Day> days(String richMenuId, String from, String to) {
        NavigableMap<String, Day> days = menus.get(richMenuId);
        NavigableMap<String, Day> out = new TreeMap<>();
        if (days != null) {
            days.subMap(from, true, to, true).forEach((date, d) -> {
                Day copy = new Day();
                copy.impressions = d.impressions;
                copy.viewers.addAll(d.viewers);
                copy.clicks.putAll(d.clicks);
                d.clickers.forEach((a, users) -> copy.clickers.put(a, new HashSet<>(users)));
                out.put(date, copy);
            });
        }
        return out;
    }

    /** Forgets a deleted menu's figures. */
    public synchronized void forget(String richMenuId) {
        menus.remove(richMenuId);
    }

    public synchronized void clear() {
        menus.clear();
    }
}
