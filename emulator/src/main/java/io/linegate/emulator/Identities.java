package io.linegate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.RSAKey;
import io.linegate.core.Json;
import io.linegate.emulator.domain.TokenService;
import io.linegate.emulator.domain.TokenService.SavedToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code --state DIR} keeps so that a restarted emulator is the same platform to the bots that
 * use it: each channel's id, secret, bot user id and basic id, the LINE Login channels' ids, secrets
 * and LIFF ids, the module channels' ids and secrets, registered assertion keys (public), the key that signs v2.1 and stateless tokens, and
 * every channel access token still valid. These are the emulator's own local credentials; the file
 * ({@value #FILE}) is readable by its owner only. Values the configuration or the command line give
 * win over the saved ones.
 */
final class Identities {
    static final String FILE = "identities.json";

    record ChannelIdentity(String channelId, String channelSecret, String botUserId, String basicId,
            Map<String, String> assertionKeys) {
        @Override
        public String toString() {
            return "ChannelIdentity[" + channelId + "]";
        }
    }

    record LoginIdentity(String channelId, String channelSecret, List<String> liffIds, Map<String, String> assertionKeys) {
        @Override
        public String toString() {
            return "LoginIdentity[" + channelId + "]";
        }
    }

    static final Identities NONE = new Identities(null, List.of(), List.of(), List.of(), List.of());

    final byte[] jwsKey; // null: none saved
    final List<ChannelIdentity> channels;
    final List<LoginIdentity> loginChannels;
    /** Module channels: id, secret and assertion keys (no LIFF apps). */
    final List<LoginIdentity> moduleChannels;
    final List<SavedToken> tokens;

    Identities(byte[] jwsKey, List<ChannelIdentity> channels, List<LoginIdentity> loginChannels,
            List<LoginIdentity> moduleChannels, List<SavedToken> tokens) {
        this.jwsKey = jwsKey;
        this.channels = channels;
        this.loginChannels = loginChannels;
        this.moduleChannels = moduleChannels;
        this.tokens = tokens;
    }

    /**
     * The saved channel for the configured one at {@code position}: the one with {@code configuredId}
     * if the configuration names an id, else the one saved at the same position.
     */
    ChannelIdentity channel(int position, String configuredId) {
        if (configuredId != null) {
            return channels.stream().filter(c -> configuredId.equals(c.channelId())).findFirst().orElse(null);
        }
        return position < channels.size() ? channels.get(position) : null;
    }

    LoginIdentity loginChannel(int position, String configuredId) {
        if (configuredId != null) {
            return loginChannels.stream().filter(c -> configuredId.equals(c.channelId())).findFirst().orElse(null);
        }
        return position < loginChannels.size() ? loginChannels.get(position) : null;
    }

    LoginIdentity moduleChannel(int position, String configuredId) {
        if (configuredId != null) {
            return moduleChannels.stream().filter(c -> configuredId.equals(c.channelId())).findFirst().orElse(null);
        }
        return position < moduleChannels.size() ? moduleChannels.get(position) : null;
    }

    /** The saved long-lived token of a channel, or null. */
    String longLivedToken(String channelId) {
        return tokens.stream().filter(t -> t.type() == TokenService.Type.LONG_LIVED && t.channelId().equals(channelId))
                .map(SavedToken::value).findFirst().orElse(null);
    }

    static Map<String, RSAKey> keys(Map<String, String> saved) {
        Map<String, RSAKey> out = new LinkedHashMap<>();
        saved.forEach((kid, jwk) -> {
            try {
                out.put(kid, RSAKey.parse(jwk));
            } catch (ParseException e) {
                throw new IllegalArgumentException("assertion key " + kid + " in " + FILE + " is not an RSA JWK");
            }
        });
        return out;
    }

    static Map<String, String> jwks(Map<String, RSAKey> keys) {
        Map<String, String> out = new LinkedHashMap<>();
        keys.forEach((kid, k) -> out.put(kid, k.toPublicJWK().toJSONString()));
        return out;
    }

    // ---- the file ---------------------------------------------------------------------------

    static Identities load(Path dir) {
        Path f = dir.resolve(FILE);
        if (!Files.exists(f)) {
            return NONE;
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(f.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
        }
        byte[] key = root.hasNonNull("jwsKey") ? Base64.getDecoder().decode(root.get("jwsKey").asText()) : null;
        List<ChannelIdentity> channels = new ArrayList<>();
        for (JsonNode c : root.path("channels")) {
            channels.add(new ChannelIdentity(c.path("channelId").asText(), c.path("channelSecret").asText(null),
                    c.path("botUserId").asText(null), c.path("basicId").asText(null), strings(c.path("assertionKeys"))));
        }
        List<LoginIdentity> logins = new ArrayList<>();
        for (JsonNode c : root.path("loginChannels")) {
            List<String> liffIds = new ArrayList<>();
            c.path("liffIds").forEach(l -> liffIds.add(l.asText()));
            logins.add(new LoginIdentity(c.path("channelId").asText(), c.path("channelSecret").asText(null), liffIds,
                    strings(c.path("assertionKeys"))));
        }
        List<LoginIdentity> modules = new ArrayList<>();
        for (JsonNode c : root.path("moduleChannels")) {
            modules.add(new LoginIdentity(c.path("channelId").asText(), c.path("channelSecret").asText(null), List.of(),
                    strings(c.path("assertionKeys"))));
        }
        List<SavedToken> tokens = new ArrayList<>();
        for (JsonNode t : root.path("tokens")) {
            TokenService.Type type;
            try {
                type = TokenService.Type.valueOf(t.path("type").asText());
            } catch (IllegalArgumentException e) {
                continue;
            }
            tokens.add(new SavedToken(t.path("value").asText(null), t.path("channelId").asText(), type,
                    t.hasNonNull("expiresAt") ? Instant.ofEpochMilli(t.get("expiresAt").asLong()) : null,
                    t.path("keyId").asText(null)));
        }
        return new Identities(key, channels, logins, modules, tokens);
    }

    private static Map<String, String> strings(JsonNode o) {
        Map<String, String> out = new LinkedHashMap<>();
        o.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    void save(Path dir) {
        ObjectNode root = Json.mapper().createObjectNode();
        if (jwsKey != null) {
            root.put("jwsKey", Base64.getEncoder().encodeToString(jwsKey));
        }
        ArrayNode cs = root.putArray("channels");
        for (ChannelIdentity c : channels) {
            ObjectNode o = cs.addObject();
            o.put("channelId", c.channelId());
            o.put("channelSecret", c.channelSecret());
            o.put("botUserId", c.botUserId());
            o.put("basicId", c.basicId());
            ObjectNode keys = o.putObject("assertionKeys");
            c.assertionKeys().forEach(keys::put);
        }
        ArrayNode ls = root.putArray("loginChannels");
        for (LoginIdentity c : loginChannels) {
            ObjectNode o = ls.addObject();
            o.put("channelId", c.channelId());
            o.put("channelSecret", c.channelSecret());
            c.liffIds().forEach(o.putArray("liffIds")::add);
            ObjectNode keys = o.putObject("assertionKeys");
            c.assertionKeys().forEach(keys::put);
        }
        ArrayNode ms = root.putArray("moduleChannels");
        for (LoginIdentity c : moduleChannels) {
            ObjectNode o = ms.addObject();
            o.put("channelId", c.channelId());
            o.put("channelSecret", c.channelSecret());
            ObjectNode keys = o.putObject("assertionKeys");
            c.assertionKeys().forEach(keys::put);
        }
        ArrayNode ts = root.putArray("tokens");
        for (SavedToken t : tokens) {
            ObjectNode o = ts.addObject();
            o.put("value", t.value());
            o.put("channelId", t.channelId());
            o.put("type", t.type().name());
            if (t.expiresAt() != null) {
                o.put("expiresAt", t.expiresAt().toEpochMilli());
            }
            if (t.keyId() != null) {
                o.put("keyId", t.keyId());
            }
        }
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(FILE + ".tmp");
            Files.deleteIfExists(tmp);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.write(tmp, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "Identities[" + channels.size() + " channels, " + loginChannels.size() + " Login channels, "
                + moduleChannels.size() + " module channels, "
                + tokens.size() + " tokens]";
    }
}
