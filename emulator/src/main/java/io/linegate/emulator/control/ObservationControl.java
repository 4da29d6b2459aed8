package io.linegate.emulator.control;

import static com.linecorp.armeria.common.HttpMethod.GET;
import static com.linecorp.armeria.common.HttpMethod.POST;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.linegate.core.Json;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.domain.ApiException.Detail;
import io.linegate.emulator.domain.Channel;
import io.linegate.emulator.domain.DeliveryRecord;
import io.linegate.emulator.domain.DeliverySummary;
import io.linegate.emulator.domain.Platform;
import io.linegate.emulator.domain.WebhookErrorStats;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.util.ArrayList;
import java.util.List;

/**
 * The control API's view of what the platform did: the channels, webhook deliveries and their error
 * statistics, what a channel delivered to how many users; and arbitrary raw events, as LINE might
 * send tomorrow.
 */
final class ObservationControl {
    private static final String PREFIX = ControlApi.PREFIX;
    private final Control control;
    private final Platform platform;

    ObservationControl(Control control) {
        this.control = control;
        this.platform = control.platform;
    }

    void register(Router r) {
        r.on(GET, PREFIX + "/channels").control().to(this::channels);
        r.on(POST, PREFIX + "/events").control().to(this::rawEvents);
        r.on(GET, PREFIX + "/deliveries").control().to(this::deliveries);
        r.on(GET, PREFIX + "/deliveries/summary").control().to(this::deliverySummary);
        r.on(GET, PREFIX + "/webhook-errors").control().to(this::webhookErrors);
    }

    private Reply channels(Call c) {
        ObjectNode b = Json.mapper().createObjectNode();
        ArrayNode a = b.putArray("channels");
        for (Channel ch : platform.state().channels()) {
            ObjectNode o = a.addObject();
            o.put("channelId", ch.channelId());
            o.put("botUserId", ch.botUserId());
            o.put("basicId", ch.basicId());
            o.put("provider", ch.providerName());
            o.put("default", ch == platform.state().defaultChannel());
            o.set("settings", Json.mapper().valueToTree(ch.settings()));
        }
        return Reply.ok(b);
    }

    /** Arbitrary events (new or unknown types included), completed with the platform's common fields. */
    private Reply rawEvents(Call c) {
        JsonNode events = c.jsonObject().get("events");
        if (events == null || !events.isArray()) {
            throw ApiException.invalid(List.of(new Detail("May not be empty", "events")));
        }
        List<ObjectNode> list = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            JsonNode e = events.get(i);
            if (!e.isObject() || !e.hasNonNull("type")) {
                throw ApiException.invalid(List.of(new Detail("May not be empty", "events[" + i + "].type")));
            }
            list.add((ObjectNode) e); // the parsed body is this call's own: completed in place
        }
        Channel ch = control.channel(c);
        platform.admit(ch, list.size());
        platform.emit(ch, list);
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode a = out.putArray("events");
        list.forEach(a::add);
        return Reply.ok(out);
    }

    private Reply deliveries(Call c) {
        int limit = 100;
        if (c.query("limit") != null) {
            try {
                limit = Math.max(1, Integer.parseInt(c.query("limit")));
            } catch (NumberFormatException e) {
                throw ApiException.invalid(List.of(new Detail("Must be a number", "limit")));
            }
        }
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode a = out.putArray("deliveries");
        for (DeliveryRecord d : control.channel(c).deliveries().last(limit)) {
            ObjectNode o = a.addObject();
            o.put("time", Platform.iso(d.time()));
            o.put("url", d.url());
            o.put("statusCode", d.statusCode());
            o.put("success", d.success());
            o.put("reason", d.reason());
            o.put("detail", d.detail());
            ArrayNode ids = o.putArray("eventIds");
            d.eventIds().forEach(ids::add);
            o.put("isRedelivery", d.isRedelivery());
            o.put("attempt", d.attempt());
            o.put("durationMs", d.durationMs());
        }
        return Reply.ok(out);
    }

    /** Per-recipient counts of what the channel delivered, not bounded by the inbox limit (campaign checks). */
    private Reply deliverySummary(Call c) {
        DeliverySummary.Totals t = control.channel(c).deliverySummary().totals();
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("recipients", t.recipients());
        out.put("messages", t.messages());
        out.put("maxPerRecipient", t.maxPerRecipient());
        out.put("duplicatedRecipients", t.duplicatedRecipients());
        return Reply.ok(out);
    }

    private Reply webhookErrors(Call c) {
        Channel ch = control.channel(c);
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("total", ch.errorStats().total());
        out.put("queuedEvents", platform.webhooks().queued(ch));
        out.put("refusedEvents", platform.webhooks().refused(ch));
        ArrayNode notices = out.putArray("adminNotifications");
        ch.adminNotices().last(100).forEach(notices::add);
        ArrayNode a = out.putArray("errors");
        for (WebhookErrorStats.Row r : ch.errorStats().rows()) {
            ObjectNode o = a.addObject();
            o.put("reason", r.reason());
            o.put("detail", r.detail());
            o.put("errors", r.errors());
            o.put("first", Platform.iso(r.first()));
            o.put("last", Platform.iso(r.last()));
        }
        return Reply.ok(out);
    }
}
