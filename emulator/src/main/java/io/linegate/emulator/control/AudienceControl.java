package io.linegate.emulator.control;

import static com.linecorp.armeria.common.HttpMethod.GET;
import static com.linecorp.armeria.common.HttpMethod.POST;
import static com.linecorp.armeria.common.HttpMethod.PUT;
import static io.linegate.emulator.control.ControlApi.PREFIX;

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
import io.linegate.emulator.domain.User;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What narrowcast targeting and retargeting read about users: their demographic attributes (for
 * the demographic filter) and what they did with a broadcast or narrowcast (an impression when it
 * was on their screen, a click when they tapped a URL in it: click and impression audiences). The
 * chat page records impressions and clicks through the same calls.
 */
final class AudienceControl {
    private static final Pattern AREA = Pattern.compile("(jp_(0[1-9]|[1-3]\\d|4[0-7])|tw_(0[1-9]|1\\d|2[0-2])|th_0[1-8]|id_(0[1-9]|1[0-2]))");
    private static final Set<String> FIELDS = Set.of("gender", "age", "area", "appType", "friendDays");
    private final Control control;

    AudienceControl(Control control) {
        this.control = control;
    }

    void register(Router r) {
        r.on(PUT, PREFIX + "/users/{userId}/demographics").control().to(this::setDemographics);
        r.on(GET, PREFIX + "/users/{userId}/demographics").control().to(this::getDemographics);
        r.on(GET, PREFIX + "/users/{userId}/missionStickers").control().to(this::missionStickers);
        r.on(POST, PREFIX + "/users/{userId}/impressions").control().to(c -> engage(c, false));
        r.on(POST, PREFIX + "/users/{userId}/clicks").control().to(c -> engage(c, true));
        r.on(POST, PREFIX + "/users/{userId}/richMenuImpressions").control().to(c -> richMenu(c, false));
        r.on(POST, PREFIX + "/users/{userId}/richMenuClicks").control().to(c -> richMenu(c, true));
    }

    /**
     * The user was shown a rich menu created through the API ({@code richMenuId}), or tapped its area
     * {@code area} (the index in its {@code areas}): the rich menu insight's figures, today (JST).
     * Recording only: the action of the area is what the user then sends (postback, message...).
     */
    private Reply richMenu(Call c, boolean click) {
        User u = control.user(c);
        JsonNode b = c.jsonObject();
        String id = b.path("richMenuId").asText("");
        if (id.isEmpty()) {
            throw ApiException.invalid(List.of(new Detail("May not be empty", "richMenuId")));
        }
        Channel ch = control.channel(c);
        JsonNode menu = ch.objects().get("richmenu:" + id);
        if (menu == null) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "No rich menu " + id + " on this channel", List.of(new Detail("Not found", "richMenuId")));
        }
        String date = Platform.jstDate(c.now());
        if (click) {
            int areas = menu.path("areas").size();
            JsonNode area = b.get("area");
            if (area == null || !area.isIntegralNumber() || area.asInt() < 0 || area.asInt() >= areas) {
                throw ApiException.invalid(List.of(new Detail("Must be an integer between 0 and " + (areas - 1)
                        + " (the area's index in the rich menu)", "area")));
            }
            ch.richMenuInsight().click(id, area.asInt(), u.userId(), date);
        } else {
            ch.richMenuInsight().impression(id, u.userId(), date);
        }
        return Reply.emptyObject();
    }

    /** Replaces the user's attributes; an attribute left out (or null) is unknown, as on LINE. */
    private Reply setDemographics(Call c) {
        User u = control.user(c);
        JsonNode b = c.jsonObject();
        List<Detail> bad = new ArrayList<>();
        for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                bad.add(new Detail("Unknown attribute; one of " + FIELDS.stream().sorted().toList(), f));
            }
        }
        String gender = text(b, "gender", Demographics.GENDERS::contains, "Must be one of the following values: [male, female]", bad);
        String appType = text(b, "appType", Demographics.APP_TYPES::contains, "Must be one of the following values: [ios, android]", bad);
        String area = text(b, "area", s -> AREA.matcher(s).matches(), "Must be an area of the narrowcast filter (jp_01..jp_47, tw_01..tw_22, th_01..th_08, id_01..id_12)", bad);
        Integer age = number(b, "age", 0, 150, bad);
        Integer friendDays = number(b, "friendDays", 0, 36_500, bad);
        if (!bad.isEmpty()) {
            throw ApiException.invalid(bad);
        }
        Demographics d = new Demographics(gender, age, area, appType, friendDays);
        control.platform.state().demographics().put(u.userId(), d);
        return Reply.ok(json(d));
    }

    private Reply missionStickers(Call c) {
        User u = control.user(c);
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode ids = out.putArray("productIds");
        control.platform.state().missionStickers().getOrDefault(u.userId(), Set.of()).stream().sorted().forEach(ids::add);
        return Reply.ok(out);
    }

    private Reply getDemographics(Call c) {
        User u = control.user(c);
        return Reply.ok(json(control.platform.state().demographics().getOrDefault(u.userId(), Demographics.UNKNOWN)));
    }

    /**
     * An impression (the message on the user's screen) or a click ({@code url}) on a broadcast or
     * narrowcast, or on a push or multicast sent with an aggregation unit.
     */
    private Reply engage(Call c, boolean click) {
        User u = control.user(c);
        JsonNode b = c.jsonObject();
        String requestId = b.path("requestId").asText("");
        if (requestId.isEmpty()) {
            throw ApiException.invalid(List.of(new Detail("May not be empty", "requestId")));
        }
        Engagement.Sent sent = control.channel(c).engagement().get(requestId);
        if (sent == null) {
            throw ApiException.line(HttpStatus.NOT_FOUND, "No broadcast or narrowcast, nor push or multicast with an aggregation unit, with request ID "
                    + requestId + " is known to this channel",
                    List.of(new Detail("Not found", "requestId")));
        }
        if (sent.recipients() != null && !sent.recipients().contains(u.userId())) {
            throw ApiException.line(HttpStatus.BAD_REQUEST, "User " + u.userId() + " did not receive request " + requestId,
                    List.of(new Detail("Not a recipient", "requestId")));
        }
        if (click) {
            String url = b.path("url").asText("");
            if (url.isEmpty()) {
                throw ApiException.invalid(List.of(new Detail("May not be empty", "url")));
            }
            if (url.length() > 2000) {
                throw ApiException.invalid(List.of(new Detail("Length must be between 1 and 2000", "url")));
            }
            Map<String, Set<String>> clicks = sent.clicks();
            if (!clicks.containsKey(url) && clicks.size() >= 1000) {
                throw ApiException.badRequest("At most 1000 distinct URLs are recorded per request");
            }
            int seq = b.path("seq").asInt(1);
            if (seq < 1 || seq > sent.messages()) {
                throw ApiException.invalid(List.of(new Detail("Must be between 1 and " + sent.messages() + " (the message's place in the request)", "seq")));
            }
            sent.click(u.userId(), url, seq);
        } else {
            sent.impression(u.userId());
        }
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("requestId", requestId);
        out.put("impressions", sent.impressions().size());
        return Reply.ok(out);
    }

    private static ObjectNode json(Demographics d) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("gender", d.gender());
        o.put("age", d.age());
        o.put("area", d.area());
        o.put("appType", d.appType());
        o.put("friendDays", d.friendDays());
        return o;
    }

    private static String text(JsonNode b, String f, Predicate<String> ok, String expected, List<Detail> bad) {
        JsonNode v = b.get(f);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || !ok.test(v.asText())) {
            bad.add(new Detail(expected, f));
            return null;
        }
        return v.asText();
    }

    private static Integer number(JsonNode b, String f, int min, int max, List<Detail> bad) {
        JsonNode v = b.get(f);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min || v.asInt() > max) {
            bad.add(new Detail("Must be an integer between " + min + " and " + max, f));
            return null;
        }
        return v.asInt();
    }
}
