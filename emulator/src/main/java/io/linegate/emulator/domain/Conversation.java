package io.linegate.emulator.domain;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One chat (a user's one-to-one chat with a bot, a group or a room) as one channel sees it: what the
 * bot sent (the inbox of the control API) and what happened on the users' side (the webhook events
 * the platform made, each with the outcome of its delivery). Both are bounded, separately, by the
 * same limit: a chatty user never pushes the bot's messages out of the inbox. Items carry a
 * channel-wide sequence number, so that the two sides interleave in the order they happened.
 *
 * <p>Watchers (the chat page's open streams) hear of every new item and every delivery outcome.
 * Nothing is done for a chat nobody watches but one volatile read.
 */
public final class Conversation {
    /** Something that happened in the chat. */
    public sealed interface Item permits BotMessage, UserEvent {
        long seq();
    }

    /** One message object a bot sent, as it sent it, with the API call that carried it. */
    /** @param index the message's place (1-based) among the messages of the request that sent it */
    public record BotMessage(long seq, String via, Instant sentAt, String requestId, String retryKey, String messageId,
            JsonNode message, int index) implements Item {}

    /**
     * A webhook event of this chat (a message, a postback, a follow...), as sent ({@code json}, serialized
     * once for the webhook), with the latest outcome of its delivery. {@code displayText} is what the
     * user's chat showed for it without it being sent (a postback action's {@code displayText}).
     */
    public static final class UserEvent implements Item {
        private final long seq;
        private final String eventId;
        private final byte[] json;
        private final String displayText;
        private final Conversation owner;
        private volatile DeliveryRecord delivery;

        UserEvent(long seq, String eventId, byte[] json, String displayText, Conversation owner) {
            this.seq = seq;
            this.eventId = eventId;
            this.json = json;
            this.displayText = displayText;
            this.owner = owner;
        }

        @Override
        public long seq() {
            return seq;
        }

        public String eventId() {
            return eventId;
        }

        public byte[] json() {
            return json;
        }

        public String displayText() {
            return displayText;
        }

        /** The latest delivery of the event; null while it waits in the queue. */
        public DeliveryRecord delivery() {
            return delivery;
        }

        /** Records an outcome (each attempt replaces the one before) and tells the watchers. */
        public void delivered(DeliveryRecord record) {
            this.delivery = record;
            owner.tell(this);
        }
    }

    /**
     * A user message's {@code markAsReadToken}: the chat it was sent in (null with {@code inboxLimit: 0})
     * and the sequence number of its event there.
     */
    public record ReadToken(Conversation chat, long seq) {}

    /** Hears of new items and of delivery outcomes; must not block (it runs on the platform's threads). */
    public interface Watcher {
        void changed(Item item);

        /** The bot marked the users' messages as read, up to the item {@code upToSeq}. */
        default void read(long upToSeq) {}

        /** The conversation was forgotten (control API reset): nothing more will come from it. */
        void forgotten();
    }

    private static final Watcher[] NONE = new Watcher[0];
    private final int limit;
    private final ArrayDeque<BotMessage> bot;
    private ArrayDeque<UserEvent> user; // created on the first event: most campaign recipients never send one
    private volatile Watcher[] watchers = NONE;
    private volatile long readUpTo; // the latest item the bot marked as read (Mark messages as read)

    public Conversation(int limit) {
        this.limit = Math.max(1, limit);
        // Small at first: a campaign creates one conversation per recipient, most of which get one message.
        this.bot = new ArrayDeque<>(Math.min(this.limit, 2));
    }

    public void add(BotMessage m) {
        synchronized (this) {
            if (bot.size() >= limit) {
                bot.pollFirst();
            }
            bot.addLast(m);
        }
        tell(m);
    }

    public UserEvent addUserEvent(long seq, String eventId, byte[] json, String displayText) {
        UserEvent e = new UserEvent(seq, eventId, json, displayText, this);
        synchronized (this) {
            if (user == null) {
                user = new ArrayDeque<>(Math.min(limit, 4));
            }
            if (user.size() >= limit) {
                user.pollFirst();
            }
            user.addLast(e);
        }
        tell(e);
        return e;
    }

    /** What the bot sent, oldest first. */
    public synchronized List<BotMessage> inbox() {
        return new ArrayList<>(bot);
    }

    /** Both sides in the order they happened, those after {@code afterSeq} only. */
    public List<Item> transcript(long afterSeq) {
        List<Item> all = new ArrayList<>();
        synchronized (this) {
            for (BotMessage m : bot) {
                if (m.seq() > afterSeq) {
                    all.add(m);
                }
            }
            if (user != null) {
                for (UserEvent e : user) {
                    if (e.seq() > afterSeq) {
                        all.add(e);
                    }
                }
            }
        }
        all.sort(Comparator.comparingLong(Item::seq));
        return all;
    }

    /**
     * Records that the bot marked the users' messages as read up to item {@code seq} (LINE's "Mark
     * messages from users as read": the message of the token and those before it), and tells the
     * watchers. A token of an earlier message, used later, changes nothing.
     */
    public void markRead(long seq) {
        synchronized (this) {
            if (seq <= readUpTo) {
                return;
            }
            readUpTo = seq;
        }
        for (Watcher w : watchers) {
            w.read(seq);
        }
    }

    /** The latest item the bot marked as read; 0 if none. */
    public long readUpTo() {
        return readUpTo;
    }

    public synchronized void watch(Watcher w) {
        Watcher[] next = Arrays.copyOf(watchers, watchers.length + 1);
        next[watchers.length] = w;
        watchers = next;
    }

    public synchronized void unwatch(Watcher w) {
        List<Watcher> rest = new ArrayList<>(List.of(watchers));
        rest.remove(w);
        watchers = rest.toArray(NONE);
    }

    /** Tells the watchers that this conversation is forgotten, and lets go of them. */
    public void forget() {
        Watcher[] ws;
        synchronized (this) {
            ws = watchers;
            watchers = NONE;
        }
        for (Watcher w : ws) {
            w.forgotten();
        }
    }

    public int watcherCount() {
        return watchers.length;
    }

    private void tell(Item item) {
        Watcher[] ws = watchers;
        for (Watcher w : ws) {
            w.changed(item);
        }
    }
}
