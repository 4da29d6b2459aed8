package io.linegate.messaging;

import com.linecorp.bot.messaging.model.AllMentionTarget;
import com.linecorp.bot.messaging.model.Emoji;
import com.linecorp.bot.messaging.model.EmojiSubstitutionObject;
import com.linecorp.bot.messaging.model.MentionSubstitutionObject;
import com.linecorp.bot.messaging.model.SubstitutionObject;
import com.linecorp.bot.messaging.model.TextMessage;
import com.linecorp.bot.messaging.model.TextMessageV2;
import com.linecorp.bot.messaging.model.UserMentionTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Text messages with LINE emojis and mentions, built from pieces so that the {@code $} indexes and
 * {@code {key}} placeholders LINE needs are computed, not counted by hand.
 *
 * <pre>{@code
 * TextMessage hello = Texts.withEmojis().text("Hello ").emoji("5ac1bfd5040ab15980c9b435", "001").text("!").build();
 * TextMessageV2 welcome = Texts.v2().text("Welcome, ").mention(userId).text(" {braces} are fine").build();
 * }</pre>
 */
public final class Texts {
    private Texts() {}

    public static EmojiText withEmojis() {
        return new EmojiText();
    }

    public static TextV2 v2() {
        return new TextV2();
    }

    /** A {@code text} message whose LINE emojis are {@code $} placeholders at computed indexes. */
    public static final class EmojiText {
        private final StringBuilder text = new StringBuilder();
        private final List<Emoji> emojis = new ArrayList<>();

        public EmojiText text(String s) {
            text.append(s);
            return this;
        }

        public EmojiText emoji(String productId, String emojiId) {
            emojis.add(new Emoji(text.length(), productId, emojiId)); // index in UTF-16 code units
            text.append('$');
            return this;
        }

        public TextMessage build() {
            return new TextMessage(null, null, text.toString(), emojis.isEmpty() ? null : List.copyOf(emojis), null);
        }
    }

    /** A {@code textV2} message: mentions and emojis become {@code {key}}s, literal braces are escaped. */
    public static final class TextV2 {
        private final StringBuilder text = new StringBuilder();
        private final Map<String, SubstitutionObject> substitution = new LinkedHashMap<>();

        public TextV2 text(String s) {
            text.append(s.replace("{", "{{").replace("}", "}}"));
            return this;
        }

        /** Mentions a member of the group or room (mentions work in group and room chats only). */
        public TextV2 mention(String userId) {
            return put("m", new MentionSubstitutionObject(new UserMentionTarget(userId)));
        }

        public TextV2 mentionAll() {
            return put("all", new MentionSubstitutionObject(new AllMentionTarget()));
        }

        public TextV2 emoji(String productId, String emojiId) {
            return put("e", new EmojiSubstitutionObject(productId, emojiId));
        }

        private TextV2 put(String prefix, SubstitutionObject value) {
            String key = prefix + substitution.size();
            substitution.put(key, value);
            text.append('{').append(key).append('}');
            return this;
        }

        public TextMessageV2 build() {
            return new TextMessageV2(null, null, text.toString(), substitution.isEmpty() ? null : Map.copyOf(substitution), null);
        }
    }
}
