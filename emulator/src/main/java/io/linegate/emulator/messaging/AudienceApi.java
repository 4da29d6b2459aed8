package io.linegate.emulator.messaging;

import static com.linecorp.armeria.common.HttpMethod.DELETE;
import static com.linecorp.armeria.common.HttpMethod.GET;
import static com.linecorp.armeria.common.HttpMethod.POST;
import static com.linecorp.armeria.common.HttpMethod.PUT;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.multipart.AggregatedBodyPart;
import com.linecorp.armeria.common.multipart.AggregatedMultipart;
import com.linecorp.armeria.common.multipart.Multipart;
import io.linegate.core.Json;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.domain.ApiException.Detail;
import io.linegate.emulator.domain.Audience;
import io.linegate.emulator.domain.Audiences;
import io.linegate.emulator.domain.Channel;
import io.linegate.emulator.domain.Engagement;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.RateLimiter.Limit;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Manage Audience ({@code manage-audience.yml}, Messaging API reference, "Manage Audience"): audiences
 * from user IDs uploaded as JSON or as a file (on api-data), from the users who clicked or saw a
 * broadcast or narrowcast, renamed, deleted, read one by one or by page, and the shared view. Every
 * operation is limited to 60 requests per minute (Messaging API reference, "Rate limits"). Requests
 * are checked against the spec by the pipeline; what the spec does not encode (the ID format, the
 * audience's type and state, the file's size) is checked here.
 */
final class AudienceApi {
    /** A file of 1,500,000 IDs of 33 characters and line ends, with room for the form's other parts. */
    static final long MAX_FILE_BODY = 64L * 1024 * 1024;
    static final String BY_FILE = "/v2/bot/audienceGroup/upload/byFile";
    /** Click and impression audiences: "the request ID of a message sent in the past 60 days". */
    static final Duration REQUEST_AGE = Duration.ofDays(60);
    private static final Pattern USER_ID = Pattern.compile("U[0-9a-f]{32}");
    private static final Pattern IFA = Pattern.compile("[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}");

    void register(Router r) {
        r.on(POST, "/v2/bot/audienceGroup/upload").limit(Limit.AUDIENCE).to(this::createByJson);
        r.on(PUT, "/v2/bot/audienceGroup/upload").limit(Limit.AUDIENCE).to(this::addByJson);
        r.on(POST, BY_FILE).limit(Limit.AUDIENCE).upload(MAX_FILE_BODY).toAsync(c -> form(c).thenApply(f -> createByFile(c, f)));
        r.on(PUT, BY_FILE).limit(Limit.AUDIENCE).upload(MAX_FILE_BODY).toAsync(c -> form(c).thenApply(f -> addByFile(c, f)));
        r.on(POST, "/v2/bot/audienceGroup/click").limit(Limit.AUDIENCE).to(c -> fromEngagement(c, "CLICK"));
        r.on(POST, "/v2/bot/audienceGroup/imp").limit(Limit.AUDIENCE).to(c -> fromEngagement(c, "IMP"));
        r.on(PUT, "/v2/bot/audienceGroup/{audienceGroupId}/updateDescription").limit(Limit.AUDIENCE).to(this::rename);
        r.on(GET, "/v2/bot/audienceGroup/list").limit(Limit.AUDIENCE).to(c -> list(c, false));
        r.on(GET, "/v2/bot/audienceGroup/shared/list").limit(Limit.AUDIENCE).to(c -> list(c, true));
        r.on(GET, "/v2/bot/audienceGroup/shared/{audienceGroupId}").limit(Limit.AUDIENCE).to(c -> get(c, true));
        r.on(GET, "/v2/bot/audienceGroup/{audienceGroupId}").limit(Limit.AUDIENCE).to(c -> get(c, false));
        r.on(DELETE, "/v2/bot/audienceGroup/{audienceGroupId}").limit(Limit.AUDIENCE).to(this::delete);
    }

    // ---- uploads ------------------------------------------------------------------------------

    private Reply createByJson(Call c) {
        JsonNode body = c.jsonObject();
        boolean ifa = body.path("isIfaAudience").asBoolean(false);
        List<String> ids = jsonIds(body.path("audiences"), ifa, false);
        Audience a = create(c, "UPLOAD", description(body.path("description"), "description"), ifa, null, null);
        if (!ids.isEmpty() || body.has("audiences")) {
            a.add(ids, c.channel().audiences().nextJobId(), body.path("uploadDescription").asText(null), c.now());
        }
        return Reply.json(HttpStatus.ACCEPTED, created(a));
    }

    private Reply addByJson(Call c) {
        JsonNode body = c.jsonObject();
        Audience a = uploadTarget(c, body.path("audienceGroupId"), "audienceGroupId");
        List<String> ids = jsonIds(body.path("audiences"), a.ifa(), true);
        a.add(ids, c.channel().audiences().nextJobId(), body.path("uploadDescription").asText(null), c.now());
        return Reply.accepted();
    }

    private Reply createByFile(Call c, Form f) {
        boolean ifa = "true".equalsIgnoreCase(f.text("isIfaAudience"));
        List<String> ids = f.ids(ifa);
        String description = f.text("description");
        if (description == null || description.isEmpty()) {
            throw ApiException.invalid(List.of(new Detail("May not be empty", "description")));
        }
        if (description.length() > Audiences.MAX_DESCRIPTION) {
            throw ApiException.invalid(List.of(new Detail("Length must be between 0 and " + Audiences.MAX_DESCRIPTION, "description")));
        }
        Audience a = create(c, "UPLOAD", description, ifa, null, null);
        a.add(ids, c.channel().audiences().nextJobId(), f.text("uploadDescription"), c.now());
        return Reply.json(HttpStatus.ACCEPTED, created(a));
    }

    private Reply addByFile(Call c, Form f) {
        String id = f.text("audienceGroupId");
        Audience a = uploadTarget(c, id == null ? Json.mapper().missingNode() : Json.mapper().getNodeFactory().textNode(id), "audienceGroupId");
        List<String> ids = f.ids(a.ifa());
        a.add(ids, c.channel().audiences().nextJobId(), f.text("uploadDescription"), c.now());
        return Reply.accepted();
    }

    /** The audience IDs of a JSON upload: each a user ID (or an IFA for an IFA audience). */
    private static List<String> jsonIds(JsonNode audiences, boolean ifa, boolean required) {
        if (!audiences.isArray() || audiences.isEmpty()) {
            if (required) {
                throw ApiException.invalid(List.of(new Detail("Size must be between 1 and " + Audiences.MAX_IDS_PER_REQUEST, "audiences")));
            }
            return List.of();
        }
        if (audiences.size() > Audiences.MAX_IDS_PER_REQUEST) {
            throw ApiException.invalid(List.of(new Detail("Size must be between 1 and " + Audiences.MAX_IDS_PER_REQUEST, "audiences")));
        }
        List<String> ids = new ArrayList<>(audiences.size());
        List<Detail> bad = new ArrayList<>();
        for (int i = 0; i < audiences.size(); i++) {
            String id = audiences.get(i).path("id").asText("");
            if (!valid(id, ifa)) {
                if (bad.size() < 10) {
                    bad.add(new Detail(idFormat(ifa), "audiences[" + i + "].id"));
                }
            } else {
                ids.add(id);
            }
        }
        if (!bad.isEmpty()) {
            throw ApiException.invalid(bad);
        }
        return ids;
    }

    private static boolean valid(String id, boolean ifa) {
        return ifa ? IFA.matcher(id).matches() : USER_ID.matcher(id).matches();
    }

    private static String idFormat(boolean ifa) {
        return ifa ? "Must be an IFA (a UUID such as 8f6a2e0c-1b2d-4c3e-9f8a-0123456789ab)"
                : "Must be a user ID: U followed by 32 lowercase hexadecimal characters";
    }

    /** An UPLOAD audience that can take more IDs, or LINE's refusal. */
    private static Audience uploadTarget(Call c, JsonNode idNode, String property) {
        if (idNode.isMissingNode() || idNode.isNull() || idNode.asText().isEmpty()) {
            throw ApiException.invalid(List.of(new Detail("May not be empty", property)));
        }
        long id;
        try {
            id = Long.parseLong(idNode.asText());
        } catch (NumberFormatException e) {
            throw ApiException.invalid(List.of(new Detail("Must be of type integer", property)));
        }
        Audience a = find(c.channel(), id);
        if (!"UPLOAD".equals(a.type())) {
            // UNCONFIRMED wording: only audiences for uploading user IDs take more IDs.
            throw ApiException.line(HttpStatus.BAD_REQUEST, "Only an audience for uploading user IDs can take more IDs; this one is " + a.type(),
                    List.of(new Detail("AUDIENCE_GROUP_TYPE_INVALID", property)));
        }
        if (!"READY".equals(a.status(c.now()))) {
            throw ApiException.line(HttpStatus.BAD_REQUEST, "The audience group cannot take more IDs: it is " + a.status(c.now()),
                    List.of(new Detail("AUDIENCE_GROUP_CAN_NOT_UPLOAD_STATUS_" + a.status(c.now()), property)));
        }
        return a;
    }

    // ---- click and impression audiences -------------------------------------------------------

    private Reply fromEngagement(Call c, String type) {
        JsonNode body = c.jsonObject();
        String requestId = body.path("requestId").asText("");
        if (requestId.isEmpty()) {
            throw ApiException.invalid(List.of(new Detail("May not be empty", "requestId")));
        }
        Engagement.Sent sent = c.channel().engagement().get(requestId);
        if (sent == null || !sent.broadcastOrNarrowcast() || sent.at().isBefore(c.now().minus(REQUEST_AGE))) {
            // UNCONFIRMED wording: the request ID of a broadcast or narrowcast of the last 60 days.
            throw ApiException.line(HttpStatus.BAD_REQUEST, "The request ID is not a broadcast or narrowcast of this channel in the past 60 days",
                    List.of(new Detail("REQUEST_NOT_FOUND", "requestId")));
        }
        String clickUrl = "CLICK".equals(type) && body.hasNonNull("clickUrl") ? body.get("clickUrl").asText() : null;
        Audience a = create(c, type, description(body.path("description"), "description"), false, requestId, clickUrl);
        a.addAll("CLICK".equals(type) ? sent.clicked(clickUrl) : Set.copyOf(sent.impressions()));
        ObjectNode out = created(a);
        out.put("requestId", requestId);
        if ("CLICK".equals(type)) {
            out.put("clickUrl", clickUrl);
        }
        return Reply.json(HttpStatus.ACCEPTED, out);
    }

    // ---- the others ---------------------------------------------------------------------------

    private Reply rename(Call c) {
        Audience a = find(c.channel(), pathId(c));
        a.description(description(c.jsonObject().path("description"), "description"));
        return Reply.emptyObject();
    }

    private Reply delete(Call c) {
        long id = pathId(c);
        find(c.channel(), id);
        c.channel().audiences().remove(id);
        return Reply.emptyObject();
    }

    private Reply get(Call c, boolean shared) {
        Audience a = find(c.channel(), pathId(c));
        ObjectNode out = Json.mapper().createObjectNode();
        out.set("audienceGroup", group(a, c.now()));
        ArrayNode jobs = out.putArray("jobs");
        List<Audience.Job> all = a.jobs();
        for (Audience.Job j : all.subList(Math.max(0, all.size() - 50), all.size())) { // at most 50 (the spec)
            ObjectNode o = jobs.addObject();
            o.put("audienceGroupJobId", j.jobId());
            o.put("audienceGroupId", a.id());
            if (j.description() != null) {
                o.put("description", j.description());
            }
            o.put("type", "DIFF_ADD");
            o.put("jobStatus", "FINISHED");
            o.put("audienceCount", j.audienceCount());
            o.put("created", j.created().getEpochSecond());
        }
        if (shared) {
            ObjectNode owner = out.putObject("owner");
            owner.put("serviceType", "bot");
            owner.put("id", c.channel().channelId());
            owner.put("name", c.channel().displayName() == null ? c.channel().basicId() : c.channel().displayName());
        }
        return Reply.ok(out);
    }

    /**
     * One page of audiences. The shared list holds those the Business Manager shares with the channel
     * (the emulator has no Business Manager: none), and the channel's own with {@code includesOwnedAudienceGroups=true}.
     */
    private Reply list(Call c, boolean shared) {
        long page = longParam(c, "page", null);
        long size = longParam(c, "size", 20L);
        if (page < 1) {
            throw ApiException.invalid(List.of(new Detail("Must be greater than or equal to 1", "page")));
        }
        if (size < 1 || size > 40) {
            throw ApiException.invalid(List.of(new Detail("Must be between 1 and 40", "size")));
        }
        String description = c.query("description");
        String status = c.query("status");
        String route = c.query("createRoute");
        List<Audience> matching = new ArrayList<>();
        boolean include = !shared || "true".equals(c.query("includesOwnedAudienceGroups"));
        if (include && (route == null || route.equals("MESSAGING_API"))) {
            for (Audience a : c.channel().audiences().all()) {
                if (description != null && !a.description().toLowerCase(Locale.ROOT).contains(description.toLowerCase(Locale.ROOT))) {
                    continue;
                }
                if (status != null && !status.equals(a.status(c.now()))) {
                    continue;
                }
                matching.add(a);
            }
        }
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode groups = out.putArray("audienceGroups");
        long from = (page - 1) * size;
        for (long i = from; i < Math.min(matching.size(), from + size); i++) {
            groups.add(group(matching.get((int) i), c.now()));
        }
        out.put("hasNextPage", from + size < matching.size());
        out.put("totalCount", matching.size());
        out.put("readWriteAudienceGroupTotalCount", matching.size());
        out.put("size", size);
        out.put("page", page);
        return Reply.ok(out);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static Audience create(Call c, String type, String description, boolean ifa, String requestId, String clickUrl) {
        Audience a = new Audience(Audiences.newId(), type, description, c.now(), ifa, requestId, clickUrl);
        c.channel().audiences().add(a);
        return a;
    }

    private static String description(JsonNode d, String property) {
        if (!d.isTextual() || d.asText().isEmpty()) {
            throw ApiException.invalid(List.of(new Detail("May not be empty", property)));
        }
        if (d.asText().length() > Audiences.MAX_DESCRIPTION) {
            throw ApiException.invalid(List.of(new Detail("Length must be between 0 and " + Audiences.MAX_DESCRIPTION, property)));
        }
        return d.asText();
    }

    /** The audience, or the spec's {@code 400 {"message":"audience group not found"}}. */
    private static Audience find(Channel ch, long id) {
        Audience a = ch.audiences().get(id);
        if (a == null) {
            throw ApiException.line(HttpStatus.BAD_REQUEST, "audience group not found",
                    List.of(new Detail("AUDIENCE_GROUP_NOT_FOUND", null)));
        }
        return a;
    }

    private static long pathId(Call c) {
        try {
            return Long.parseLong(c.path("audienceGroupId"));
        } catch (NumberFormatException e) {
            throw ApiException.invalid(List.of(new Detail("Must be of type integer", "audienceGroupId")));
        }
    }

    private static long longParam(Call c, String name, Long fallback) {
        String v = c.query(name);
        if (v == null) {
            if (fallback == null) {
                throw ApiException.invalid(List.of(new Detail("May not be empty", name)));
            }
            return fallback;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw ApiException.invalid(List.of(new Detail("Must be of type integer", name)));
        }
    }

    private static ObjectNode created(Audience a) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("audienceGroupId", a.id());
        o.put("createRoute", "MESSAGING_API");
        o.put("type", a.type());
        o.put("description", a.description());
        o.put("created", a.created().getEpochSecond());
        o.put("permission", "READ_WRITE");
        o.put("expireTimestamp", a.expires().getEpochSecond());
        o.put("isIfaAudience", a.ifa());
        return o;
    }

    private static ObjectNode group(Audience a, Instant now) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("audienceGroupId", a.id());
        o.put("type", a.type());
        o.put("description", a.description());
        o.put("status", a.status(now));
        o.put("audienceCount", a.size());
        o.put("created", a.created().getEpochSecond());
        o.put("permission", "READ_WRITE");
        o.put("createRoute", "MESSAGING_API");
        o.put("isIfaAudience", a.ifa());
        o.put("expireTimestamp", a.expires().getEpochSecond());
        if (a.requestId() != null) {
            o.put("requestId", a.requestId());
        }
        if (a.clickUrl() != null) {
            o.put("clickUrl", a.clickUrl());
        }
        return o;
    }

    // ---- multipart/form-data ------------------------------------------------------------------

    /** The parts of a file upload: text fields, and the file of IDs. */
    private record Form(List<AggregatedBodyPart> parts) {
        String text(String name) {
            for (AggregatedBodyPart p : parts) {
                if (name.equals(p.name()) && p.filename() == null) {
                    return p.contentUtf8();
                }
            }
            return null;
        }

        /** The file's IDs, one a line: at most 1,500,000, each well formed, at least one. */
        List<String> ids(boolean ifa) {
            AggregatedBodyPart file = null;
            for (AggregatedBodyPart p : parts) {
                if ("file".equals(p.name())) {
                    file = p;
                }
            }
            if (file == null) {
                throw ApiException.invalid(List.of(new Detail("May not be empty", "file")));
            }
            byte[] b = file.content().array();
            List<String> ids = new ArrayList<>();
            int line = 0;
            int start = 0;
            for (int i = 0; i <= b.length; i++) {
                if (i == b.length || b[i] == '\n') {
                    line++;
                    int end = i > start && b[i - 1] == '\r' ? i - 1 : i;
                    if (end > start) {
                        String id = new String(b, start, end - start, StandardCharsets.US_ASCII).strip();
                        if (!id.isEmpty()) {
                            if (!valid(id, ifa)) {
                                throw ApiException.invalid(List.of(new Detail(idFormat(ifa) + " (line " + line + ")", "file")));
                            }
                            if (ids.size() == Audiences.MAX_IDS_PER_FILE) {
                                throw ApiException.invalid(List.of(new Detail("The file holds more than "
                                        + Audiences.MAX_IDS_PER_FILE + " IDs", "file")));
                            }
                            ids.add(id);
                        }
                    }
                    start = i + 1;
                }
            }
            if (ids.isEmpty()) {
                // UNCONFIRMED wording: a file without any ID.
                throw ApiException.line(HttpStatus.BAD_REQUEST, "The file holds no valid audience ID",
                        List.of(new Detail("UPLOAD_AUDIENCE_GROUP_NO_VALID_AUDIENCE_IDS", "file")));
            }
            return ids;
        }
    }

    private static CompletableFuture<Form> form(Call c) {
        MediaType type = c.request().contentType();
        if (type == null || !type.is(MediaType.MULTIPART_FORM_DATA)) {
            throw ApiException.line(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    "The content type, " + (type == null ? "null" : type.toString()) + ", is not supported");
        }
        return Multipart.from(c.request().toHttpRequest()).aggregate()
                .handle((AggregatedMultipart m, Throwable t) -> {
                    if (t != null) {
                        throw ApiException.badRequest("The request body could not be parsed as multipart/form-data");
                    }
                    return new Form(m.bodyParts());
                });
    }

}
