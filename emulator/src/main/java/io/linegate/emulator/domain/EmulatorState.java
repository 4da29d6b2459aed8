package io.linegate.emulator.domain;

import java.time.Clock;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Everything the emulated platform knows: channels, users, groups, content. Users and groups are
 * global, as on LINE (one user can befriend many bots); relations and inboxes live in each channel.
 */
public final class EmulatorState {
    private final Clock clock;
    private final Map<String, Channel> channels = new ConcurrentHashMap<>();
    private final Map<String, Channel> channelsInOrder = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, User> users = new ConcurrentHashMap<>();
    private final Map<String, Group> groups = new ConcurrentHashMap<>();
    /** Users' demographic attributes for narrowcast filters; absent: all unknown. */
    private final Map<String, Demographics> demographics = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> missionStickers = new ConcurrentHashMap<>();
    /** messageId -> the user who sent it, for unsend and quote checks. */
    private final Map<String, String> userMessages = BoundedMap.of(1_000_000);
    private final ContentStore content = new ContentStore(256L * 1024 * 1024);
    private volatile Channel defaultChannel;

    public EmulatorState(Clock clock) {
        this.clock = clock;
    }

    public Clock clock() {
        return clock;
    }

    public void addChannel(Channel c) {
        channels.put(c.channelId(), c);
        channelsInOrder.put(c.channelId(), c);
        if (defaultChannel == null) {
            defaultChannel = c;
        }
    }

    public void defaultChannel(Channel c) {
        this.defaultChannel = c;
    }

    public Channel defaultChannel() {
        return defaultChannel;
    }

    public Channel channel(String id) {
        return id == null ? null : channels.get(id);
    }

    public Collection<Channel> channels() {
        synchronized (channelsInOrder) {
            return List.copyOf(channelsInOrder.values());
        }
    }

    public Map<String, User> users() {
        return users;
    }

    public Map<String, Group> groups() {
        return groups;
    }

    /** userId -> the sticker packages bots gave the user (mission stickers). */
    public Map<String, Set<String>> missionStickers() {
        return missionStickers;
    }

    public Map<String, Demographics> demographics() {
        return demographics;
    }

    public Map<String, String> userMessages() {
        return userMessages;
    }

    public ContentStore content() {
        return content;
    }

    /** Forgets users, groups, conversations and history; channels, their tokens and settings remain. */
    public void reset() {
        users.clear();
        groups.clear();
        demographics.clear();
        missionStickers.clear();
        userMessages.clear();
        content.clear();
        channels.values().forEach(Channel::reset);
    }
}
