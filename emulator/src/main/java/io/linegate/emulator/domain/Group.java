package io.linegate.emulator.domain;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A group chat ({@code C...}) or a multi-person room ({@code R...}) with its members and bots. */
public final class Group {
    private final String id;
    private final boolean room;
    private volatile String name;
    private volatile String pictureUrl;
    private final List<String> members = new CopyOnWriteArrayList<>();
    private final Set<String> botChannels = ConcurrentHashMap.newKeySet();

    public Group(String id, boolean room, String name, String pictureUrl) {
        this.id = id;
        this.room = room;
        this.name = name;
        this.pictureUrl = pictureUrl;
    }

    public String id() {
        return id;
    }

    public boolean isRoom() {
        return room;
    }

    public String name() {
        return name;
    }

    public String pictureUrl() {
        return pictureUrl;
    }

    public List<String> members() {
        return members;
    }

    public Set<String> botChannels() {
        return botChannels;
    }

    public String sourceType() {
        return room ? "room" : "group";
    }
}
