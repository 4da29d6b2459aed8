package io.linegate.emulator.messaging;

import static com.linecorp.armeria.common.HttpMethod.GET;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpStatus;
import io.linegate.core.Json;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.domain.ApiException.Detail;
import io.linegate.emulator.domain.Channel;
import io.linegate.emulator.domain.Demographics;
import io.linegate.emulator.domain.Engagement;
import io.linegate.emulator.domain.Platform;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.RateLimiter.Limit;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Insight ({@code insight.yml}; Messaging API reference, "Insight"), computed from what the emulator
 * delivered and what its users did: friends' demographics from the attributes the control API set,
 * message deliveries per day and kind, followers and blocks, and the interactions (impressions and
 * clicks from the chat page or the control API) with a broadcast or narrowcast. 60 requests per hour
 * each. The emulator keeps no history of relations: followers are today's, whatever the date asked.
 * Statistics per aggregation unit and rich menu insight are not emulated.
 */
final class InsightApi {
    /** Unique counts under this are hidden (null), as LINE does to protect users' privacy (UNCONFIRMED: the threshold). */
    static final int PRIVACY_THRESHOLD = 20;
    /** Demographics are available from this many friends (UNCONFIRMED: the threshold). */
    static final int DEMOGRAPHICS_MIN_FRIENDS = 20;
    private static final List<String> PREFECTURES = List.of("北海道", "青森", "岩手", "宮城", "秋田", "山形", "福島", "茨城", "栃木",
            "群馬", "埼玉", "千葉", "東京", "神奈川", "新潟", "富山", "石川", "福井", "山梨", "長野", "岐阜", "静岡", "愛知", "三重", "滋賀",
            "京都", "大阪", "兵庫", "奈良", "和歌山", "鳥取", "島根", "岡山", "広島", "山口", "徳島", "香川", "愛媛", "高知", "福岡", "佐賀",
            "長崎", "熊本", "大分", "宮崎", "鹿児島", "沖縄");
    private final Platform platform;

    InsightApi(Platform platform) {
        this.platform = platform;
    }

    void register(Router r) {
        r.on(GET, "/v2/bot/insight/demographic").limit(Limit.PER_HOUR_60).to(this::demographic);
        r.on(GET, "/v2/bot/insight/message/delivery").limit(Limit.PER_HOUR_60).to(this::deliveries);
        r.on(GET, "/v2/bot/insight/followers").limit(Limit.PER_HOUR_60).to(this::followers);
        r.on(GET, "/v2/bot/insight/message/event").limit(Limit.PER_HOUR_60).to(this::messageEvent);
    }

    private Reply demographic(Call c) {
        Channel ch = c.channel();
        List<String> friends = ch.friends();
        ObjectNode out = Json.mapper().createObjectNode();
        boolean available = friends.size() >= DEMOGRAPHICS_MIN_FRIENDS;
        out.put("available", available);
        Map<String, Demographics> all = platform.state().demographics();
        List<Demographics> ds = friends.stream().map(u -> all.getOrDefault(u, Demographics.UNKNOWN)).toList();
        if (available) {
            tiles(out.putArray("genders"), "gender", ds, d -> d.gender() == null ? "unknown" : d.gender());
            tiles(out.putArray("ages"), "age", ds, InsightApi::ageTile);
            tiles(out.putArray("areas"), "area", ds, InsightApi::areaName);
            tiles(out.putArray("appTypes"), "appType", ds, d -> d.appType() == null ? "others" : d.appType());
            tiles(out.putArray("subscriptionPeriods"), "subscriptionPeriod", ds, InsightApi::period);
        }
        return Reply.ok(out);
    }

    private static void tiles(ArrayNode out, String field, List<Demographics> ds, Function<Demographics, String> key) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        ds.forEach(d -> counts.merge(key.apply(d), 1, Integer::sum));
        counts.forEach((k, n) -> {
            ObjectNode o = out.addObject();
            o.put(field, k);
            o.put("percentage", Math.round(n * 1000.0 / ds.size()) / 10.0);
        });
    }

    static String ageTile(Demographics d) {
        Integer a = d.age();
        if (a == null) {
            return "unknown";
        }
        if (a < 15) {
            return "from0to14";
        }
        if (a < 20) {
            return "from15to19";
        }
        if (a >= 70) {
            return "from70";
        }
        int low = a / 5 * 5;
        return "from" + low + "to" + (low + 4);
    }

    static String areaName(Demographics d) {
        String a = d.area();
        if (a == null) {
            return "unknown";
        }
        if (a.startsWith("jp_")) {
            return PREFECTURES.get(Integer.parseInt(a.substring(3)) - 1);
        }
        return a; // UNCONFIRMED: how LINE names areas outside Japan here
    }

    static String period(Demographics d) {
        Integer days = d.friendDays();
        if (days == null) {
            return "unknown";
        }
        for (int limit : new int[] {7, 30, 90, 180, 365}) {
            if (days < limit) {
                return "within" + limit + "days";
            }
        }
        return "over365days";
    }

    /** {@code ready} for a day that is over (JST), {@code unready} for today and later. */
    private static String status(Call c, String date) {
        return date.compareTo(Platform.jstDate(c.now())) < 0 ? "ready" : "unready";
    }

    private static String date(Call c, boolean required) {
        String d = c.query("date");
        if (d == null) {
            if (required) {
                throw ApiException.invalid(List.of(new Detail("May not be empty", "date")));
            }
            return Platform.jstDate(c.now().minusSeconds(86_400));
        }
        if (!d.matches("\\d{8}")) {
            throw ApiException.invalid(List.of(new Detail("Must match \"^[0-9]{8}$\"", "date")));
        }
        return d;
    }

    private Reply deliveries(Call c) {
        String date = date(c, true);
        Channel ch = c.channel();
        ObjectNode out = Json.mapper().createObjectNode();
        String status = status(c, date);
        out.put("status", status);
        if (status.equals("ready")) {
            // The API's sends, and what the platform sent by itself (greeting and auto-reply messages).
            Map<String, String> kinds = new LinkedHashMap<>();
            kinds.put("autoResponse", "autoReply");
            kinds.put("welcomeResponse", "greeting");
            kinds.put("apiBroadcast", "broadcast");
            kinds.put("apiPush", "push");
            kinds.put("apiMulticast", "multicast");
            kinds.put("apiNarrowcast", "narrowcast");
            kinds.put("apiReply", "reply");
            kinds.forEach((field, via) -> {
                long n = ch.deliveryCount(via, date);
                if (n > 0) {
                    out.put(field, n);
                }
            });
        }
        return Reply.ok(out);
    }

    private Reply followers(Call c) {
        String date = date(c, false);
        Channel ch = c.channel();
        ObjectNode out = Json.mapper().createObjectNode();
        String status = status(c, date);
        out.put("status", status);
        if (status.equals("ready")) {
            List<String> friends = ch.friends();
            long blocks = ch.blocks();
            Map<String, Demographics> all = platform.state().demographics();
            long reach = friends.stream().filter(u -> {
                Demographics d = all.get(u);
                return d != null && (d.gender() != null || d.age() != null || d.area() != null);
            }).count();
            out.put("followers", friends.size() + blocks);
            out.put("targetedReaches", reach);
            out.put("blocks", blocks);
        }
        return Reply.ok(out);
    }

    private Reply messageEvent(Call c) {
        String requestId = c.query("requestId");
        if (requestId == null || requestId.isEmpty()) {
            throw ApiException.invalid(List.of(new Detail("May not be empty", "requestId")));
        }
        Engagement.Sent sent = c.channel().engagement().get(requestId);
        if (sent == null) {
            // UNCONFIRMED wording: not a broadcast or narrowcast of this channel.
            throw ApiException.line(HttpStatus.NOT_FOUND, "Not found",
                    List.of(new Detail("No broadcast or narrowcast with this request ID", "requestId")));
        }
        ObjectNode out = Json.mapper().createObjectNode();
        ObjectNode overview = out.putObject("overview");
        overview.put("requestId", requestId);
        overview.put("timestamp", sent.at().getEpochSecond());
        overview.put("delivered", sent.delivered());
        hidden(overview, "uniqueImpression", sent.impressions().size());
        Set<String> clickers = new HashSet<>();
        sent.clicks().values().forEach(clickers::addAll);
        hidden(overview, "uniqueClick", clickers.size());
        overview.putNull("uniqueMediaPlayed");
        overview.putNull("uniqueMediaPlayed100Percent");
        ArrayNode messages = out.putArray("messages");
        for (int seq = 1; seq <= sent.messages(); seq++) {
            ObjectNode m = messages.addObject();
            m.put("seq", seq);
            // An impression is the request on screen: every message of it was seen.
            hidden(m, "impression", sent.impressions().size() < PRIVACY_THRESHOLD ? 0 : sent.impressionCount());
            for (String f : List.of("mediaPlayed", "mediaPlayed25Percent", "mediaPlayed50Percent", "mediaPlayed75Percent",
                    "mediaPlayed100Percent", "uniqueMediaPlayed", "uniqueMediaPlayed25Percent", "uniqueMediaPlayed50Percent",
                    "uniqueMediaPlayed75Percent", "uniqueMediaPlayed100Percent")) {
                m.putNull(f);
            }
        }
        ArrayNode clicks = out.putArray("clicks");
        sent.clicks().forEach((url, users) -> {
            ObjectNode k = clicks.addObject();
            k.put("seq", sent.clickSeq(url));
            k.put("url", url);
            hidden(k, "click", users.size() < PRIVACY_THRESHOLD ? 0 : sent.clickCount(url));
            hidden(k, "uniqueClick", users.size());
            hidden(k, "uniqueClickOfRequest", users.size());
        });
        return Reply.ok(out);
    }

    /** The figure, or null when under the privacy threshold. */
    private static void hidden(ObjectNode o, String field, long n) {
        if (n < PRIVACY_THRESHOLD) {
            o.putNull(field);
        } else {
            o.put(field, n);
        }
    }
}
