package io.linegate.emulator.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.HttpStatus;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.domain.ApiException.Detail;
import io.linegate.emulator.domain.Audience;
import io.linegate.emulator.domain.Channel;
import io.linegate.emulator.domain.Demographics;
import io.linegate.emulator.domain.Engagement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who a narrowcast reaches (Messaging API reference, "Send narrowcast message"): the channel's
 * friends, narrowed by the {@code recipient} (audiences, redelivery of an earlier narrowcast, and
 * their {@code and}/{@code or}/{@code not}) and the demographic {@code filter}, then cut to
 * {@code limit.max}. The request is refused at once when it names what does not exist; too few
 * recipients are reported later, on the progress endpoint, as LINE does.
 */
final class NarrowcastTargets {
    /** "You can specify up to 10 audience and redelivery objects in total" (the recipient object). */
    static final int MAX_AUDIENCE_AND_REDELIVERY = 10;
    /** A demographic filter needs a target reach of 100 or more. */
    static final int MIN_FILTER_REACH = 100;

    /** The users to deliver to, or the error code and description the narrowcast fails with. */
    record Result(List<String> targets, Integer errorCode, String failedDescription) {}

    private final Channel channel;
    private final Map<String, Demographics> demographics;
    private final int minRecipients;
    private final Map<Long, Audience> audiences = new HashMap<>();
    private final Map<String, Set<String>> redeliveries = new HashMap<>();

    NarrowcastTargets(Channel channel, Map<String, Demographics> demographics, int minRecipients) {
        this.channel = channel;
        this.demographics = demographics;
        this.minRecipients = minRecipients;
    }

    Result evaluate(JsonNode body, Instant now) {
        JsonNode recipient = body.path("recipient");
        JsonNode filter = body.path("filter").path("demographic");
        List<String> friends = channel.friends();
        if (recipient.isObject()) {
            int[] count = {0};
            resolve(recipient, "recipient", count, now);
            if (count[0] > MAX_AUDIENCE_AND_REDELIVERY) {
                throw ApiException.invalid(List.of(new Detail("Size must be between 0 and " + MAX_AUDIENCE_AND_REDELIVERY
                        + " (audience and redelivery objects in all)", "recipient")));
            }
        }
        if (filter.isObject() && friends.size() < MIN_FILTER_REACH) {
            throw ApiException.line(HttpStatus.FORBIDDEN, "Your account does not have enough friends");
        }
        List<String> targets = new ArrayList<>();
        for (String user : friends) {
            if (recipient.isObject() && !matches(recipient, user)) {
                continue;
            }
            if (filter.isObject()) {
                Demographics d = demographics.getOrDefault(user, Demographics.UNKNOWN);
                // "Users in Thailand under 20 are excluded" from narrowcasts with a demographic filter.
                if (d.area() != null && d.area().startsWith("th_") && d.age() != null && d.age() < 20) {
                    continue;
                }
                if (!d.matches(filter)) {
                    continue;
                }
            }
            targets.add(user);
        }
        JsonNode max = body.path("limit").path("max");
        if (max.canConvertToInt() && max.asInt() > 0 && max.asInt() < targets.size()) {
            targets = targets.subList(0, max.asInt());
        }
        boolean targeted = recipient.isObject() || filter.isObject();
        if (targeted && audiences.size() > 1) {
            for (Audience a : audiences.values()) {
                if (a.size() < minRecipients) {
                    return new Result(targets, 4, "The audience " + a.id() + " has fewer than " + minRecipients + " users");
                }
            }
        }
        if (targeted && targets.size() < minRecipients) {
            return new Result(targets, 2, "The number of recipients is too small");
        }
        return new Result(targets, null, null);
    }

    /** Checks every audience and redelivery the recipient names, and counts them. */
    private void resolve(JsonNode r, String at, int[] count, Instant now) {
        switch (r.path("type").asText()) {
            case "audience" -> {
                count[0]++;
                long id = r.path("audienceGroupId").asLong(-1);
                Audience a = channel.audiences().get(id);
                if (a == null) {
                    throw ApiException.line(HttpStatus.BAD_REQUEST, "audience group not found",
                            List.of(new Detail("AUDIENCE_GROUP_NOT_FOUND", at + ".audienceGroupId")));
                }
                if (!"READY".equals(a.status(now))) {
                    // UNCONFIRMED: LINE's wording for an audience that can no longer be used.
                    throw ApiException.line(HttpStatus.BAD_REQUEST, "The audience group " + id + " cannot be used: it is " + a.status(now),
                            List.of(new Detail("AUDIENCE_GROUP_" + a.status(now), at + ".audienceGroupId")));
                }
                audiences.put(id, a);
            }
            case "redelivery" -> {
                count[0]++;
                String requestId = r.path("requestId").asText("");
                Engagement.Sent sent = channel.engagement().get(requestId);
                if (sent == null || !"narrowcast".equals(sent.via()) || sent.recipients() == null) {
                    // UNCONFIRMED wording: a request id that is not a narrowcast of this channel the emulator still holds.
                    throw ApiException.line(HttpStatus.BAD_REQUEST, "The request ID for redelivery is not found",
                            List.of(new Detail("Not found", at + ".requestId")));
                }
                redeliveries.put(requestId, sent.recipients());
            }
            case "operator" -> {
                for (String op : List.of("and", "or")) {
                    JsonNode list = r.path(op);
                    for (int i = 0; i < list.size(); i++) {
                        resolve(list.get(i), at + "." + op + "[" + i + "]", count, now);
                    }
                }
                if (r.path("not").isObject()) {
                    resolve(r.get("not"), at + ".not", count, now);
                }
            }
            default -> throw ApiException.invalid(List.of(new Detail(
                    "Must be one of the following values: [operator, audience, redelivery]", at + ".type")));
        }
    }

    private boolean matches(JsonNode r, String user) {
        switch (r.path("type").asText()) {
            case "audience":
                return audiences.get(r.path("audienceGroupId").asLong()).contains(user);
            case "redelivery":
                return redeliveries.get(r.path("requestId").asText()).contains(user);
            case "operator":
                if (r.path("and").isArray()) {
                    for (JsonNode x : r.get("and")) {
                        if (!matches(x, user)) {
                            return false;
                        }
                    }
                    return true;
                }
                if (r.path("or").isArray()) {
                    for (JsonNode x : r.get("or")) {
                        if (matches(x, user)) {
                            return true;
                        }
                    }
                    return false;
                }
                return r.path("not").isObject() && !matches(r.get("not"), user);
            default:
                return false;
        }
    }
}
