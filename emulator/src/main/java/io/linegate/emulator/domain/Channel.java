package io.linegate.emulator.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.RSAKey;
import io.linegate.core.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/** One Messaging API channel and everything the platform keeps for it. Thread-safe. */
public final class Channel {
    private final String channelId;
    private final Secret secret;
    private final String botUserId;
    private final String basicId;
    private final String displayName;
    private final String providerName;
    private final boolean certifiedProvider;
    private final int inboxLimit;
    private volatile ChannelSettings settings;

    // Sorted so that the followers/ids pages are stable.
    private final Map<String, Relation> relations = new ConcurrentSkipListMap<>();
    private final Map<String, Conversation> conversations = new ConcurrentHashMap<>();
    /** Orders the items of every conversation of the channel. */
    private final AtomicLong seq = new AtomicLong();
    private final AcceptedRetryKeys retryKeys;
    private final ReplyTokens replyTokens;
    private final Map<String, Narrowcast> narrowcasts = new ConcurrentHashMap<>();
    private final Map<String, RSAKey> assertionKeys = new ConcurrentHashMap<>();
    private final Audiences audiences = new Audiences();
    private final Engagement engagement = new Engagement();
    private final AggregationUnits aggregationUnits = new AggregationUnits();
    private final RichMenuInsight richMenuInsight = new RichMenuInsight();
    private final BoundedLog<DeliveryRecord> deliveries;
    private final WebhookErrorStats errorStats = new WebhookErrorStats();
    /** Notices the platform sends the channel's admins (certified providers: request_timeout, §1.10). */
    private final BoundedLog<String> adminNotices = new BoundedLog<>(1000);
    private final Map<String, Conversation.ReadToken> markAsReadTokens = BoundedMap.of(100_000);
    private final Map<String, LinkToken> linkTokens = BoundedMap.of(100_000);
    private final Map<String, AtomicLong> deliveryCounts = new ConcurrentHashMap<>();
    private final DeliverySummary deliverySummary = new DeliverySummary();
    private final AtomicLong consumption = new AtomicLong();
    private volatile Long quotaLimit; // null: "type":"none"
    /** Objects of the operations that are stored rather than simulated (rich menus, audiences...). */
    private final Map<String, JsonNode> objects = new ConcurrentHashMap<>();

    public Channel(String channelId, Secret secret, String botUserId, String basicId, String displayName,
            String providerName, boolean certifiedProvider, ChannelSettings settings, int inboxLimit,
            int logLimit, int retryKeyLimit, int replyTokenLimit) {
        this(channelId, secret, botUserId, basicId, displayName, providerName, certifiedProvider, settings, inboxLimit,
                logLimit, retryKeyLimit, new ReplyTokens(replyTokenLimit));
    }

    private Channel(String channelId, Secret secret, String botUserId, String basicId, String displayName,
            String providerName, boolean certifiedProvider, ChannelSettings settings, int inboxLimit,
            int logLimit, int retryKeyLimit, ReplyTokens replyTokens) {
        this.channelId = channelId;
        this.secret = secret;
        this.botUserId = botUserId;
        this.basicId = basicId;
        this.displayName = displayName;
        this.providerName = providerName;
        this.certifiedProvider = certifiedProvider;
        this.settings = settings;
        this.inboxLimit = inboxLimit;
        this.deliveries = new BoundedLog<>(logLimit);
        this.retryKeys = new AcceptedRetryKeys(retryKeyLimit);
        this.replyTokens = replyTokens;
    }

    /**
     * What a module channel attached to {@code bot} receives webhooks through: the module's secret
     * signs them and its webhook URL gets them, the bot's user id is their {@code destination}, and the
     * reply tokens are the bot's, so that the module answers, as the bot, the events it receives.
     * {@code laneId} keeps its webhook queue apart from the bot's and from other attachments'.
     */
    public static Channel moduleView(String laneId, Secret moduleSecret, Channel bot, ChannelSettings settings) {
        return new Channel(laneId, moduleSecret, bot.botUserId, bot.basicId, bot.displayName, bot.providerName,
                bot.certifiedProvider, settings, 0, 100, 1, bot.replyTokens);
    }

    public String channelId() {
        return channelId;
    }

    public Secret secret() {
        return secret;
    }

    public String botUserId() {
        return botUserId;
    }

    public String basicId() {
        return basicId;
    }

    public String displayName() {
        return displayName;
    }

    public String providerName() {
        return providerName;
    }

    public boolean certifiedProvider() {
        return certifiedProvider;
    }

    public ChannelSettings settings() {
        return settings;
    }

    public void settings(ChannelSettings s) {
        this.settings = s;
    }

    public Relation relation(String userId) {
        return relations.getOrDefault(userId, Relation.NONE);
    }

    public void relation(String userId, Relation r) {
        relations.put(userId, r);
    }

    /** Makes a user with no relation yet a friend, silently (bulk users); a blocking user stays blocked. */
    public void befriendIfNew(String userId) {
        relations.putIfAbsent(userId, Relation.FRIEND);
    }

    public boolean isFriend(String userId) {
        return relations.get(userId) == Relation.FRIEND;
    }

    /** How many users block the bot now. */
    public long blocks() {
        return relations.values().stream().filter(r -> r == Relation.BLOCKED).count();
    }

    public List<String> friends() {
        List<String> out = new ArrayList<>();
        relations.forEach((u, r) -> {
            if (r == Relation.FRIEND) {
                out.add(u);
            }
        });
        return out;
    }

    /**
     * The chat's conversation (its inbox and its users' events), or null with {@code inboxLimit: 0}
     * (load tests that only count, see {@link #deliverySummary()}).
     */
    public Conversation conversation(String chatId) {
        if (inboxLimit <= 0) {
            return null;
        }
        Conversation c = conversations.get(chatId);
        return c != null ? c : conversations.computeIfAbsent(chatId, k -> new Conversation(inboxLimit));
    }

    public Conversation conversationIfPresent(String chatId) {
        return conversations.get(chatId);
    }

    /** The next number of the channel's conversation items. */
    public long nextSeq() {
        return seq.incrementAndGet();
    }

    public AcceptedRetryKeys retryKeys() {
        return retryKeys;
    }

    public ReplyTokens replyTokens() {
        return replyTokens;
    }

    public Map<String, Narrowcast> narrowcasts() {
        return narrowcasts;
    }

    public Map<String, RSAKey> assertionKeys() {
        return assertionKeys;
    }

    public BoundedLog<DeliveryRecord> deliveries() {
        return deliveries;
    }

    public WebhookErrorStats errorStats() {
        return errorStats;
    }

    public BoundedLog<String> adminNotices() {
        return adminNotices;
    }

    /** Unused tokens of users' messages, each with the chat and the item it marks as read. */
    public Map<String, Conversation.ReadToken> markAsReadTokens() {
        return markAsReadTokens;
    }

    public Map<String, LinkToken> linkTokens() {
        return linkTokens;
    }

    public AtomicLong consumption() {
        return consumption;
    }

    public Long quotaLimit() {
        return quotaLimit;
    }

    public void quotaLimit(Long limit) {
        this.quotaLimit = limit;
    }

    public void countDelivery(String kind, String dateJst, long n) {
        deliveryCounts.computeIfAbsent(kind + ":" + dateJst, k -> new AtomicLong()).addAndGet(n);
    }

    public long deliveryCount(String kind, String dateJst) {
        AtomicLong c = deliveryCounts.get(kind + ":" + dateJst);
        return c == null ? 0 : c.get();
    }

    public DeliverySummary deliverySummary() {
        return deliverySummary;
    }

    public Map<String, JsonNode> objects() {
        return objects;
    }

    public Audiences audiences() {
        return audiences;
    }

    public Engagement engagement() {
        return engagement;
    }

    public AggregationUnits aggregationUnits() {
        return aggregationUnits;
    }

    public RichMenuInsight richMenuInsight() {
        return richMenuInsight;
    }

    /** Forgets conversations and history but keeps identity, settings and keys (control API reset). */
    public void reset() {
        relations.clear();
        conversations.values().forEach(Conversation::forget);
        conversations.clear();
        retryKeys.clear();
        replyTokens.clear();
        narrowcasts.clear();
        deliveries.clear();
        errorStats.clear();
        adminNotices.clear();
        markAsReadTokens.clear();
        linkTokens.clear();
        deliveryCounts.clear();
        deliverySummary.clear();
        consumption.set(0);
        objects.clear();
        audiences.clear();
        engagement.clear();
        aggregationUnits.clear();
        richMenuInsight.clear();
    }

    @Override
    public String toString() {
        return "Channel[" + channelId + ", bot " + botUserId + "]"; // never the secret
    }
}
