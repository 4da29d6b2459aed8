package io.linegate.emulator.domain;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * What LINE knows of a user for narrowcast's demographic filter (Messaging API reference, "Send
 * narrowcast message" > "Demographic filter objects"): gender, age, area, the OS of the LINE app, and
 * how long the user has been a friend. Every attribute may be unknown (null), as on LINE, where
 * attributes are estimated and not every user has them; a filter on an attribute never matches a user
 * for whom it is unknown. The emulator's users get them through the control API; "friend for N days"
 * holds for every channel the user is a friend of (a simplification: one value per user).
 */
public record Demographics(String gender, Integer age, String area, String appType, Integer friendDays) {
    public static final Demographics UNKNOWN = new Demographics(null, null, null, null, null);
    public static final Set<String> GENDERS = Set.of("male", "female");
    public static final Set<String> APP_TYPES = Set.of("ios", "android");

    /** Whether the user matches {@code filter} (a DemographicFilter object; the spec check ran before). */
    public boolean matches(JsonNode filter) {
        switch (filter.path("type").asText()) {
            case "gender":
                return gender != null && contains(filter.path("oneOf"), gender);
            case "appType":
                return appType != null && contains(filter.path("oneOf"), appType);
            case "area":
                return area != null && contains(filter.path("oneOf"), area);
            case "age":
                return age != null && inRange(age, bound(filter.path("gte"), "age_"), bound(filter.path("lt"), "age_"));
            case "subscriptionPeriod":
                return friendDays != null
                        && inRange(friendDays, bound(filter.path("gte"), "day_"), bound(filter.path("lt"), "day_"));
            case "operator":
                return operator(filter);
            default:
                return false;
        }
    }

    private boolean operator(JsonNode f) {
        if (f.path("and").isArray()) {
            for (JsonNode x : f.get("and")) {
                if (!matches(x)) {
                    return false;
                }
            }
            return true;
        }
        if (f.path("or").isArray()) {
            for (JsonNode x : f.get("or")) {
                if (matches(x)) {
                    return true;
                }
            }
            return false;
        }
        if (f.path("not").isObject()) {
            return !matches(f.get("not"));
        }
        return false;
    }

    private static boolean contains(JsonNode values, String v) {
        for (JsonNode x : values) {
            if (v.equals(x.asText())) {
                return true;
            }
        }
        return false;
    }

    /** {@code age_20} -> 20; absent -> null. */
    private static Integer bound(JsonNode v, String prefix) {
        String s = v.asText("");
        return s.startsWith(prefix) ? Integer.valueOf(s.substring(prefix.length())) : null;
    }

    private static boolean inRange(int value, Integer gte, Integer lt) {
        return (gte == null || value >= gte) && (lt == null || value < lt);
    }
}
