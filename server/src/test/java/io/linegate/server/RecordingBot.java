package io.linegate.server;

import io.linegate.webhook.Bot;
import io.linegate.webhook.EventContext;
import io.linegate.webhook.EventHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A bot that remembers what it handled. */
final class RecordingBot implements Bot {
    final List<EventContext> handled = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
        return "recording";
    }

    @Override
    public EventHandler handler() {
        return handled::add;
    }
}
