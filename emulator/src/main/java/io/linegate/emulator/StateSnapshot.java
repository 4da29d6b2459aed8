package io.linegate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.linegate.core.Json;
import io.linegate.emulator.domain.Channel;
import io.linegate.emulator.domain.EmulatorState;
import io.linegate.emulator.domain.Group;
import io.linegate.emulator.domain.Relation;
import io.linegate.emulator.domain.User;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The {@code --state DIR} snapshot of the users' side: users, their relations to each channel, and
 * groups, so that a restarted emulator still knows who is a friend. Channels, their secrets and
 * tokens are kept by {@link Identities}; conversations and logs are not kept. No secrets are written here.
 */
final class StateSnapshot {
    private static final String FILE = "emulator-state.json";

    private StateSnapshot() {}

    static void save(Path dir, EmulatorState state) {
        ObjectNode root = Json.mapper().createObjectNode();
        ArrayNode users = root.putArray("users");
        for (User u : state.users().values()) {
            ObjectNode o = Json.mapper().valueToTree(u);
            ObjectNode rel = o.putObject("relations");
            for (Channel c : state.channels()) {
                Relation r = c.relation(u.userId());
                if (r != Relation.NONE) {
                    rel.put(c.channelId(), r.name());
                }
            }
            users.add(o);
        }
        ArrayNode groups = root.putArray("groups");
        for (Group g : state.groups().values()) {
            ObjectNode o = groups.addObject();
            o.put("id", g.id());
            o.put("room", g.isRoom());
            o.put("name", g.name());
            o.put("pictureUrl", g.pictureUrl());
            g.members().forEach(o.putArray("members")::add);
            g.botChannels().forEach(o.putArray("botChannels")::add);
        }
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(FILE + ".tmp");
            Files.write(tmp, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void load(Path dir, EmulatorState state) {
        Path f = dir.resolve(FILE);
        if (!Files.exists(f)) {
            return;
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(f.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
        for (JsonNode u : root.path("users")) {
            User user = new User(u.path("userId").asText(), u.path("displayName").asText(),
                    u.path("pictureUrl").asText(null), u.path("statusMessage").asText(null), u.path("language").asText(null));
            state.users().put(user.userId(), user);
            u.path("relations").fields().forEachRemaining(e -> {
                Channel c = state.channel(e.getKey());
                if (c != null) {
                    c.relation(user.userId(), Relation.valueOf(e.getValue().asText()));
                }
            });
        }
        for (JsonNode g : root.path("groups")) {
            Group group = new Group(g.path("id").asText(), g.path("room").asBoolean(), g.path("name").asText(null),
                    g.path("pictureUrl").asText(null));
            g.path("members").forEach(m -> group.members().add(m.asText()));
            g.path("botChannels").forEach(m -> group.botChannels().add(m.asText()));
            state.groups().put(group.id(), group);
        }
    }
}
