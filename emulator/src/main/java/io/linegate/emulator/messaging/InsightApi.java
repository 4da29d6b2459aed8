package io.linegate.emulator.messaging;

import static com.linecorp.armeria.common.HttpMethod.GET;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.linegate.emulator.domain.RichMenuInsight;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.RateLimiter.Limit;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.function.Function;

/**
 * Insight ({@code insight.yml}; Messaging API reference, "Insight"), computed from what the emulator
 * delivered and what its users did: friends' demographics from the attributes the control API set,
 * message deliveries per day and kind, followers and blocks, and the interactions (impressions and
 * clicks from the chat page or the control API) with a broadcast or narrowcast. 60 requests per hour
 * each. The emulator keeps no history of relations: followers are today's, whatever the date asked.
 * Also statistics per aggregation unit (pushes and multicasts with {@code customAggregationUnits}) and
 * rich menu insight (impressions and area clicks recorded through the control API).
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
    private static final List<String> MEDIA = List.of("mediaPlayed", "mediaPlayed25Percent", "mediaPlayed50Percent",
            "mediaPlayed75Percent", "mediaPlayed100Percent", "uniqueMediaPlayed", "uniqueMediaPlayed25Percent",
            "uniqueMediaPlayed50Percent", "uniqueMediaPlayed75Percent", "uniqueMediaPlayed100Percent");
    private static final DateTimeFormatter BASIC = DateTimeFormatter.BASIC_ISO_DATE;
    private final Platform platform;

    InsightApi(Platform platform) {
        this.platform = platform;
    }

    void register(Router r) {
        r.on(GET, "/v2/bot/insight/demographic").limit(Limit.PER_HOUR_60).to(this::demographic);
        r.on(GET, "/v2/bot/insight/message/delivery").limit(Limit.PER_HOUR_60).to(this::deliveries);
        r.on(GET, "/v2/bot/insight/followers").limit(Limit.PER_HOUR_60).to(this::followers);
        r.on(GET, "/v2/bot/insight/message/event").limit(Limit.PER_HOUR_60).to(this::messageEvent);
        r.on(GET, "/v2/bot/insight/message/event/aggregation").limit(Limit.PER_HOUR_60).to(this::statisticsPerUnit);
        r.on(GET, "/v2/bot/insight/richmenu/{richMenuId}/summary").limit(Limit.PER_HOUR_60).to(c -> richMenu(c, false));
        r.on(GET, "/v2/bot/insight/richmenu/{richMenuId}/daily").limit(Limit.PER_HOUR_60).to(c -> richMenu(c, true));
    }

    /** A {@code yyyyMMdd} date parameter (JST), required; a 400 naming it otherwise. */
    private static LocalDate day(Call c, String name) {
        String d = c.query(name);
        if (d == null || d.isEmpty()) {
            throw ApiException.invalid(List.of(new Detail("May not be empty", name)));
        }
        if (!d.matches("\\d{8}")) {
            throw ApiException.invalid(List.of(new Detail("Must match \"^[0-9]{8}$\"", name)));
        }
        try {
            return LocalDate.parse(d, BASIC);
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(List.of(new Detail("Not a date", name)));
        }
    }

    /** {@code from} and {@code to}, in order and at most {@code maxDays} apart (UNCONFIRMED wording). */
    private static LocalDate[] period(Call c, int maxDays) {
        LocalDate from = day(c, "from");
        LocalDate to = day(c, "to");
        if (to.isBefore(from)) {
            throw ApiException.invalid(List.of(new Detail("Must not be before from", "to")));
        }
        if (to.isAfter(from.plusDays(maxDays))) {
            throw ApiException.invalid(List.of(new Detail("Must be at most " + maxDays + " days after from", "to")));
        }
        return new LocalDate[] {from, to};
    }

    /**
     * Statistics per aggregation unit: the pushes and multicasts sent with {@code customAggregationUnit}
     * from {@code from} to {@code to} (JST, at most 30 days apart), and what their recipients did with
     * them (impressions and clicks, recorded through the control API). Figures of fewer than 20 users
     * are null, as in the other insight. Media plays are not emulated (null).
     */
    private Reply statisticsPerUnit(Call c) {
        String unit = c.query("customAggregationUnit");
        if (unit == null || unit.isEmpty()) {
            throw ApiException.invalid(List.of(new Detail("May not be empty", "customAggregationUnit")));
        }
        if (!unit.matches("[a-zA-Z0-9_]{1,30}")) {
            throw ApiException.invalid(List.of(new Detail("Must match \"^[a-zA-Z0-9_]{1,30}$\"", "customAggregationUnit")));
        }
        LocalDate[] p = period(c, 30);
        String from = p[0].format(BASIC);
        String to = p[1].format(BASIC);
        List<Engagement.Sent> sents = c.channel().engagement().withUnit(unit).stream().filter(s -> {
            String d = Platform.jstDate(s.at());
            return d.compareTo(from) >= 0 && d.compareTo(to) <= 0;
        }).toList();
        ObjectNode out = Json.mapper().createObjectNode();
        ObjectNode overview = out.putObject("overview");
        Set<String> viewers = new HashSet<>();
        Set<String> clickers = new HashSet<>();
        int maxSeq = 0;
        for (Engagement.Sent s : sents) {
            viewers.addAll(s.impressions());
            s.clicks().values().forEach(clickers::addAll);
            maxSeq = Math.max(maxSeq, s.messages());
        }
        hidden(overview, "uniqueImpression", viewers.size());
        hidden(overview, "uniqueClick", clickers.size());
        overview.putNull("uniqueMediaPlayed");
        overview.putNull("uniqueMediaPlayed100Percent");
        ArrayNode messages = out.putArray("messages");
        for (int seq = 1; seq <= maxSeq; seq++) {
            long impressions = 0;
            Set<String> saw = new HashSet<>();
            for (Engagement.Sent s : sents) {
                if (s.messages() >= seq) { // an impression is the request on screen: each of its messages was seen
                    impressions += s.impressionCount();
                    saw.addAll(s.impressions());
                }
            }
            ObjectNode m = messages.addObject();
            m.put("seq", seq);
            hidden(m, "impression", saw.size() < PRIVACY_THRESHOLD ? 0 : impressions);
            for (String f : MEDIA) {
                m.putNull(f);
            }
        }
        // Clicks per message and URL, over the unit's requests.
        Map<String, long[]> counts = new LinkedHashMap<>();
        Map<String, Set<String>> users = new LinkedHashMap<>();
        for (Engagement.Sent s : sents) {
            s.clicks().forEach((url, who) -> {
                String key = s.clickSeq(url) + " " + url;
                counts.computeIfAbsent(key, k -> new long[1])[0] += s.clickCount(url);
                users.computeIfAbsent(key, k -> new HashSet<>()).addAll(who);
            });
        }
        ArrayNode clicks = out.putArray("clicks");
        counts.forEach((key, n) -> {
            int space = key.indexOf(' ');
            ObjectNode k = clicks.addObject();
            k.put("seq", Integer.parseInt(key.substring(0, space)));
            k.put("url", key.substring(space + 1));
            int unique = users.get(key).size();
            hidden(k, "click", unique < PRIVACY_THRESHOLD ? 0 : n[0]);
            hidden(k, "uniqueClick", unique);
            k.putNull("uniqueClickOfRequest"); // UNCONFIRMED: what it counts across several requests
        });
        return Reply.ok(out);
    }

    /**
     * Rich menu insight, summary or daily, for a rich menu created through the API: impressions of the
     * whole menu and clicks per tappable area (its {@code bounds}), from what the users did (the control
     * API's {@code richMenuImpressions} and {@code richMenuClicks}). {@code from} within the last three
     * years; {@code to} at most 396 (summary) or 99 (daily) days after it. Under the privacy threshold
     * of unique clicks over the period, only {@code richMenuId} is returned, as the reference says.
     */
    private Reply richMenu(Call c, boolean daily) {
        String id = c.path("richMenuId");
        JsonNode menu = c.channel().objects().get("richmenu:" + id);
        if (menu == null) {
            // UNCONFIRMED wording.
            throw ApiException.line(HttpStatus.NOT_FOUND, "richmenu not found");
        }
        LocalDate[] p = period(c, daily ? 99 : 396);
        LocalDate today = LocalDate.parse(Platform.jstDate(c.now()), BASIC);
        if (p[0].isBefore(today.minusYears(3))) {
            throw ApiException.invalid(List.of(new Detail("Must be within the most recent 3 years", "from")));
        }
        String from = p[0].format(BASIC);
        String to = p[1].format(BASIC);
        NavigableMap<String, RichMenuInsight.Day> days = c.channel().richMenuInsight().days(id, from, to);
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("richMenuId", id);
        Set<String> clickers = new HashSet<>();
        days.values().forEach(d -> clickers.addAll(d.allClickers()));
        if (clickers.size() < PRIVACY_THRESHOLD) {
            return Reply.ok(out);
        }
        out.put("metricsFrom", from);
        out.put("metricsTo", to);
        JsonNode areas = menu.path("areas");
        ObjectNode impression = out.putObject("impression");
        ArrayNode clicks = out.putArray("clicks");
        if (daily) {
            ArrayNode metrics = impression.putArray("metrics");
            days.forEach((date, d) -> {
                if (d.impressions() > 0) {
                    metric(metrics.addObject().put("date", date), d.impressions(), d.viewers().size());
                }
            });
            for (int i = 0; i < areas.size(); i++) {
                ObjectNode a = clicks.addObject();
                a.set("bounds", areas.get(i).path("bounds").deepCopy());
                ArrayNode m = a.putArray("metrics");
                int area = i;
                days.forEach((date, d) -> {
                    if (d.clicks(area) > 0) {
                        metric(m.addObject().put("date", date), d.clicks(area), d.clickers(area).size());
                    }
                });
            }
        } else {
            long shown = 0;
            Set<String> viewers = new HashSet<>();
            for (RichMenuInsight.Day d : days.values()) {
                shown += d.impressions();
                viewers.addAll(d.viewers());
            }
            metric(impression.putObject("metrics"), shown, viewers.size());
            for (int i = 0; i < areas.size(); i++) {
                long n = 0;
                Set<String> who = new HashSet<>();
                for (RichMenuInsight.Day d : days.values()) {
                    n += d.clicks(i);
                    who.addAll(d.clickers(i));
                }
                ObjectNode a = clicks.addObject();
                a.set("bounds", areas.get(i).path("bounds").deepCopy());
                metric(a.putObject("metrics"), n, who.size());
            }
        }
        return Reply.ok(out);
    }

    private static void metric(ObjectNode o, long count, long uniqueUsers) {
        o.put("count", count);
        o.put("uniqueUsers", uniqueUsers);
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
        if (sent == null || !sent.broadcastOrNarrowcast()) {
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
            for (String f : MEDIA) {
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
