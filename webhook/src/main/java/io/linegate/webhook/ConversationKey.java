package io.linegate.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The conversation an event belongs to: a user's one-to-one chat, a group or a room, or, for an
 * event without a source (a failed account link) or with a source type from the future, the event
 * itself. Events of one conversation are handled in order, one at a time; different conversations in
 * parallel. Worked out once, when a webhook body is split, and stored with the event as its
 * {@link #key()} ({@code user:U...}, {@code group:C...}, {@code room:R...}, {@code event:...}); mute
 * switches name conversations by the same key.
 *
 * @param kind what the conversation is
 * @param id   the user, group or room id, or the event's id for {@link Kind#EVENT}
 */
public record ConversationKey(Kind kind, String id) {
    /** LINE's user, group and room ids: a letter and 32 hexadecimal digits. */
    private static final Pattern LINE_ID = Pattern.compile("[UCR][0-9a-f]{32}");

    /** What a conversation is, and the prefix of its key. */
    public enum Kind {
        USER("user"), GROUP("group"), ROOM("room"), EVENT("event");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }
    }

    public ConversationKey {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
    }

    /** A user's one-to-one chat (or the user, wherever they write: a muted user is muted in groups too). */
    public static ConversationKey user(String userId) {
        return new ConversationKey(Kind.USER, userId);
    }

    /** The conversation of an event (its {@code source}); {@code eventId} names events that have none. */
    static ConversationKey of(JsonNode event, String eventId) {
        JsonNode source = event.path("source");
        return switch (source.path("type").asText("")) {
            case "user" -> new ConversationKey(Kind.USER, source.path("userId").asText(""));
            case "group" -> new ConversationKey(Kind.GROUP, source.path("groupId").asText(""));
            case "room" -> new ConversationKey(Kind.ROOM, source.path("roomId").asText(""));
            default -> new ConversationKey(Kind.EVENT, eventId);
        };
    }

    /** A key as stored with an event ({@link #key()}). */
    public static ConversationKey parse(String key) {
        int colon = key.indexOf(':');
        String prefix = colon < 0 ? "" : key.substring(0, colon);
        for (Kind kind : Kind.values()) {
            if (kind.prefix.equals(prefix)) {
                return new ConversationKey(kind, key.substring(colon + 1));
            }
        }
        throw new IllegalArgumentException("not a conversation key: " + key);
    }

    /**
     * What an operator names a conversation by: a LINE user, group or room id ({@code U...}, {@code C...},
     * {@code R...}) or its key ({@code user:U...}); empty for anything else.
     */
    public static Optional<ConversationKey> ofOperatorInput(String source) {
        if (source == null) {
            return Optional.empty();
        }
        String id = source;
        Kind kind = null;
        int colon = source.indexOf(':');
        if (colon >= 0) {
            String prefix = source.substring(0, colon);
            id = source.substring(colon + 1);
            for (Kind k : Kind.values()) {
                if (k != Kind.EVENT && k.prefix.equals(prefix)) {
                    kind = k;
                }
            }
            if (kind == null) {
                return Optional.empty();
            }
        }
        if (!LINE_ID.matcher(id).matches()) {
            return Optional.empty();
        }
        Kind byId = switch (id.charAt(0)) {
            case 'U' -> Kind.USER;
            case 'C' -> Kind.GROUP;
            default -> Kind.ROOM;
        };
        if (kind != null && kind != byId) {
            return Optional.empty(); // user:C... names nothing
        }
        return Optional.of(new ConversationKey(byId, id));
    }

    /** The key stored with the conversation's events: {@code user:U...}. */
    public String key() {
        return kind.prefix + ":" + id;
    }

    /** Whom a push to this conversation goes to: the user, group or room; empty for an event's own lane. */
    public Optional<String> recipient() {
        return kind == Kind.EVENT || id.isEmpty() ? Optional.empty() : Optional.of(id);
    }

    @Override
    public String toString() {
        return key();
    }
}
