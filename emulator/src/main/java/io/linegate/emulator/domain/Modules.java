package io.linegate.emulator.domain;

import com.linecorp.armeria.common.HttpStatus;
import io.linegate.core.Secret;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Module channels (LINE Developers, partner docs: "Attach Module Channel", "Using the Messaging API
 * from a module channel", "Control chat initiative (Chat Control)"): channels that a LINE Official
 * Account's admin attaches to the account's bot, that then call the Messaging API as that bot (their
 * own channel access token, the bot named by the {@code X-Line-Bot-Id} header) and receive its
 * webhooks, and that take and give back the initiative of a chat. Thread-safe.
 */
public final class Modules {
    /** The header that names the attached bot a module channel's call acts for. */
    public static final String BOT_ID_HEADER = "x-line-bot-id";
    /** How long an authorization code can be exchanged (UNCONFIRMED: LINE Login's 10 minutes is assumed). */
    public static final long CODE_SECONDS = 600;
    /** Acquire Control API: the default and the largest {@code ttl} (one year), in seconds. */
    public static final long DEFAULT_TTL = 3600;
    public static final long MAX_TTL = 3600L * 24 * 365;

    /** One module channel and the bots it is attached to, in the order they were attached. */
    public static final class Module {
        private final String channelId;
        private final Secret secret;
        private final String webhookUrl;
        private final Map<String, Attachment> attachments = new ConcurrentHashMap<>();

        public Module(String channelId, Secret secret, String webhookUrl) {
            this.channelId = channelId;
            this.secret = secret;
            this.webhookUrl = webhookUrl;
        }

        public String channelId() {
            return channelId;
        }

        public Secret secret() {
            return secret;
        }

        public String webhookUrl() {
            return webhookUrl;
        }

        /** The attachments, oldest first. */
        public List<Attachment> attachments() {
            List<Attachment> all = new ArrayList<>(attachments.values());
            all.sort((a, b) -> Long.compare(a.order(), b.order()));
            return all;
        }

        /** The attachment to the bot whose user id is {@code botUserId}, else null. */
        public Attachment attachment(String botUserId) {
            return botUserId == null ? null : attachments.get(botUserId);
        }
    }

    /**
     * A module attached to a bot with the scopes its admin granted; {@code view} is what the module
     * receives the bot's webhooks through (see {@link Channel#moduleView}).
     */
    public record Attachment(Module module, Channel bot, List<String> scopes, Channel view, long order) {}

    /** An authorization code the admin's consent produced, waiting for the module provider's exchange. */
    public record Code(String moduleId, String botChannelId, String redirectUri, List<String> scopes,
            String codeChallenge, Instant expiresAt) {}

    /** Who holds the initiative of one chat of one bot, until when (null: no time limit). */
    private record Control(String moduleId, Instant expireAt) {
        boolean valid(Instant now) {
            return expireAt == null || now.isBefore(expireAt);
        }
    }

    private final Map<String, Module> modules = new ConcurrentHashMap<>();
    private final Map<String, Code> codes = BoundedMap.of(10_000);
    private final Map<String, Control> control = new ConcurrentHashMap<>();
    private long order;

    public void add(Module m) {
        modules.put(m.channelId(), m);
    }

    /** The module channel {@code channelId}, else null. */
    public Module module(String channelId) {
        return channelId == null ? null : modules.get(channelId);
    }

    public Collection<Module> all() {
        return modules.values();
    }

    public void code(String code, Code c) {
        codes.put(code, c);
    }

    /** The code's grant, removed: a code is used once, even when the exchange then fails. */
    public Code redeem(String code, Instant now) {
        Code c = code == null ? null : codes.remove(code);
        return c == null || !now.isBefore(c.expiresAt()) ? null : c;
    }

    /** Attaches (or re-attaches, with the scopes now granted) {@code module} to {@code bot}. */
    public synchronized Attachment attach(Module module, Channel bot, List<String> scopes) {
        ChannelSettings s = new ChannelSettings(module.webhookUrl(), true, false, false, null, false, null, true, false);
        Channel view = Channel.moduleView(module.channelId() + "/" + bot.channelId(), module.secret(), bot, s);
        Attachment a = new Attachment(module, bot, List.copyOf(scopes), view, order++);
        module.attachments.put(bot.botUserId(), a);
        return a;
    }

    /** Detaches {@code module} from the bot {@code botUserId}; the chats it held go back to the bot. False if it was not attached. */
    public synchronized boolean detach(Module module, String botUserId) {
        Attachment a = module.attachments.remove(botUserId);
        if (a == null) {
            return false;
        }
        String prefix = a.bot().channelId() + " ";
        control.entrySet().removeIf(e -> e.getKey().startsWith(prefix) && e.getValue().moduleId().equals(module.channelId()));
        return true;
    }

    /** Every module attached to {@code bot}. */
    public List<Attachment> attachedTo(Channel bot) {
        if (modules.isEmpty()) {
            return List.of();
        }
        List<Attachment> out = new ArrayList<>(1);
        for (Module m : modules.values()) {
            Attachment a = m.attachment(bot.botUserId());
            if (a != null && a.bot() == bot) {
                out.add(a);
            }
        }
        return out;
    }

    /**
     * The module that holds the initiative of {@code chatId} of {@code bot} now, or null when the bot
     * (the Primary Channel) does. An expired hold is forgotten.
     */
    public String active(Channel bot, String chatId, Instant now) {
        if (control.isEmpty() || chatId == null) {
            return null;
        }
        String key = bot.channelId() + " " + chatId;
        Control c = control.get(key);
        if (c == null) {
            return null;
        }
        if (!c.valid(now)) {
            control.remove(key, c);
            return null;
        }
        return c.moduleId();
    }

    /**
     * Acquire Control API: {@code module} becomes the Active Channel of the chat, until {@code expireAt}
     * (null: no limit). Returns the module that was active before (null: the bot).
     */
    public synchronized String acquire(Module module, Channel bot, String chatId, Instant expireAt, Instant now) {
        String before = active(bot, chatId, now);
        control.put(bot.channelId() + " " + chatId, new Control(module.channelId(), expireAt));
        return before;
    }

    /** Release Control API: the chat goes back to the bot. False if {@code module} was not its Active Channel. */
    public synchronized boolean release(Module module, Channel bot, String chatId, Instant now) {
        if (!module.channelId().equals(active(bot, chatId, now))) {
            return false;
        }
        control.remove(bot.channelId() + " " + chatId);
        return true;
    }

    /** The attachment a module channel's call acts through, from its {@code X-Line-Bot-Id}; LINE's error otherwise. */
    public static Attachment acting(Module module, String botId) {
        if (botId == null || botId.isEmpty()) {
            // UNCONFIRMED wording: the module channel docs require the header but do not give the error.
            throw ApiException.line(HttpStatus.BAD_REQUEST, "The X-Line-Bot-Id header is required for a module channel",
                    List.of(new ApiException.Detail("May not be empty", "X-Line-Bot-Id")));
        }
        Attachment a = module.attachment(botId);
        if (a == null) {
            // UNCONFIRMED status and wording: a bot the module is not attached to.
            throw ApiException.line(HttpStatus.FORBIDDEN, "The module channel is not attached to this bot",
                    List.of(new ApiException.Detail("Not attached", "X-Line-Bot-Id")));
        }
        return a;
    }
}
