package io.linegate.spring;

import io.linegate.clients.LineApis;
import io.linegate.messaging.MessageSender;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * linegate's typed clients of LINE's other APIs ({@link LineApis}: Insight, Manage Audience, LIFF,
 * Module, Module Attach, Shop, channel access token) for each channel that sends, on that channel's
 * sending stack (its token, rate limits and API request log). Inside an {@link EventMapping} method,
 * {@link #current()} is the handled event's channel's.
 */
public final class LinegateApis {
    private final Map<String, LineApis> byChannel = new LinkedHashMap<>();

    LinegateApis(LinegateChannels channels) {
        for (LinegateChannel c : channels.all()) {
            c.sender().ifPresent((MessageSender s) -> byChannel.put(c.name(), LineApis.of(s)));
        }
    }

    /** The APIs of channel {@code name} ({@code default} for {@code line.bot.*}). */
    public LineApis channel(String name) {
        LineApis apis = byChannel.get(name);
        if (apis == null) {
            throw new NoSuchElementException("no sending LINE channel named '" + name + "'; the channels that send are "
                    + byChannel.keySet() + " (a channel sends with line.bot.channel-token or linegate.token-type)");
        }
        return apis;
    }

    /**
     * Inside an {@link EventMapping} method, the handled event's channel's APIs; anywhere else the
     * {@code default} channel's (or the only channel's).
     */
    public LineApis current() {
        for (Map.Entry<String, LineApis> e : byChannel.entrySet()) {
            if (CurrentEvent.of(e.getKey()) != null) {
                return e.getValue();
            }
        }
        if (byChannel.size() == 1) {
            return byChannel.values().iterator().next();
        }
        return channel(ChannelSettings.DEFAULT);
    }

    @Override
    public String toString() {
        return "LinegateApis" + byChannel.keySet();
    }
}
