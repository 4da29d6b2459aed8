package io.linegate.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.linegate.core.Json;
import io.linegate.core.Secret;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import com.nimbusds.jose.jwk.RSAKey;
import io.linegate.runtime.RuntimeConfig;
import io.linegate.runtime.TokenSettings;
import java.io.FileNotFoundException;
import java.nio.file.NoSuchFileException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Channel credentials and endpoints, from environment variables or a YAML file; the environment
 * wins, so that a file can hold the non-secret settings and the deployment injects the secrets.
 *
 * <pre>
 * LINE_CHANNEL_SECRET                 channelSecret
 * LINE_CHANNEL_SECRET_PREVIOUS        previousChannelSecret        (during a secret rotation)
 * LINE_CHANNEL_SECRET_PREVIOUS_UNTIL  previousChannelSecretUntil   (ISO-8601 instant)
 * LINE_CHANNEL_ACCESS_TOKEN           channelAccessToken
 * LINEGATE_ADMIN_TOKEN                adminToken
 * LINE_API_BASE                       apiBase                      (default https://api.line.me)
 * LINE_CHANNEL_ID                     channelId                    (for managed tokens)
 * LINE_ASSERTION_KEY_FILE             assertionKeyFile             (v2.1: the private RSA JWK, with its kid)
 *                                     bot                          (a map of settings for the bot's factory)
 * </pre>
 */
final class ChannelSettings {
    Secret channelSecret;
    Secret previousChannelSecret;
    Instant previousChannelSecretUntil;
    Secret channelAccessToken;
    Secret adminToken;
    URI apiBase = URI.create("https://api.line.me");
    String channelId;
    Path assertionKeyFile;
    /** The bot's settings from the file's {@code bot:} map, for its factory. */
    Map<String, String> botSettings = Map.of();

    /** The YAML file's shape. */
    static final class File {
        @JsonProperty String channelSecret;
        @JsonProperty String previousChannelSecret;
        @JsonProperty String previousChannelSecretUntil;
        @JsonProperty String channelAccessToken;
        @JsonProperty String adminToken;
        @JsonProperty String apiBase;
        @JsonProperty String channelId;
        @JsonProperty String assertionKeyFile;
        /** Settings for the bot's factory (see {@code BotEnvironment.settings()}). */
        @JsonProperty Map<String, String> bot;
    }

    /** What was accepted with a doubt (a secret of another form for a platform other than LINE's), for the command to print. */
    final List<String> warnings = new ArrayList<>();

    /** LINE issues channel secrets as 32 hexadecimal characters (the channel's Basic settings tab in the LINE Developers Console). */
    private static final Pattern CHANNEL_SECRET = Pattern.compile("[0-9a-fA-F]{32}");

    static ChannelSettings load(Path configFile, Map<String, String> env) {
        return load(configFile, env, null);
    }

    /**
     * The settings from the file and the environment; {@code apiBaseOption} (a command's --api-base, or
     * null) is where the channel lives, for the check of the secret's form: a secret LINE would not issue
     * is refused for LINE's platform (every webhook would get 401) and only warned about for another one.
     */
    static ChannelSettings load(Path configFile, Map<String, String> env, URI apiBaseOption) {
        File f = new File();
        if (configFile != null) {
            f = readFile(configFile);
        }
        ChannelSettings s = new ChannelSettings();
        String secret = pick(env, "LINE_CHANNEL_SECRET", f.channelSecret);
        if (secret == null) {
            throw new IllegalArgumentException("the channel secret is missing: set LINE_CHANNEL_SECRET"
                    + " or channelSecret in the config file");
        }
        s.channelSecret = Secret.of(secret, "LINE_CHANNEL_SECRET");
        String previous = pick(env, "LINE_CHANNEL_SECRET_PREVIOUS", f.previousChannelSecret);
        if (previous != null) {
            String until = pick(env, "LINE_CHANNEL_SECRET_PREVIOUS_UNTIL", f.previousChannelSecretUntil);
            if (until == null) {
                throw new IllegalArgumentException("LINE_CHANNEL_SECRET_PREVIOUS needs LINE_CHANNEL_SECRET_PREVIOUS_UNTIL"
                        + " (when to stop accepting the old secret, e.g. 2026-12-01T00:00:00Z)");
            }
            s.previousChannelSecret = Secret.of(previous, "LINE_CHANNEL_SECRET_PREVIOUS");
            try {
                s.previousChannelSecretUntil = Instant.parse(until);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("LINE_CHANNEL_SECRET_PREVIOUS_UNTIL is not an ISO-8601 instant: " + until);
            }
        }
        String token = pick(env, "LINE_CHANNEL_ACCESS_TOKEN", f.channelAccessToken);
        if (token != null) {
            s.channelAccessToken = Secret.of(token, "LINE_CHANNEL_ACCESS_TOKEN");
        }
        String admin = pick(env, "LINEGATE_ADMIN_TOKEN", f.adminToken);
        if (admin != null) {
            s.adminToken = Secret.of(admin, "LINEGATE_ADMIN_TOKEN");
        }
        s.channelId = pick(env, "LINE_CHANNEL_ID", f.channelId);
        String keyFile = pick(env, "LINE_ASSERTION_KEY_FILE", f.assertionKeyFile);
        if (keyFile != null) {
            s.assertionKeyFile = Path.of(keyFile);
        }
        if (f.bot != null) {
            Map<String, String> bot = new LinkedHashMap<>();
            f.bot.forEach((k, v) -> bot.put(k, v == null ? "" : v)); // "key:" with nothing after it is an empty setting
            s.botSettings = Collections.unmodifiableMap(bot);
        }
        String base = pick(env, "LINE_API_BASE", f.apiBase);
        if (base != null) {
            s.apiBase = URI.create(base);
        }
        URI platform = apiBaseOption != null ? apiBaseOption : s.apiBase;
        s.checkSecretForm("LINE_CHANNEL_SECRET (or channelSecret)", secret, platform);
        if (previous != null) {
            s.checkSecretForm("LINE_CHANNEL_SECRET_PREVIOUS (or previousChannelSecret)", previous, platform);
        }
        return s;
    }

    /** Refuses (LINE's platform) or warns about (another platform) a secret that is not 32 hexadecimal characters; never shows it. */
    private void checkSecretForm(String name, String secret, URI platform) {
        if (CHANNEL_SECRET.matcher(secret).matches()) {
            return;
        }
        String problem = name + " is not a channel secret as LINE issues them, 32 hexadecimal characters (the channel's"
                + " Basic settings tab in the LINE Developers Console): it has " + secret.length() + " characters"
                + (secret.chars().allMatch(c -> Character.digit(c, 16) >= 0) ? "" : ", not all hexadecimal");
        if (RuntimeConfig.LINE_API.getHost().equalsIgnoreCase(platform.getHost())) {
            throw new IllegalArgumentException(problem + "; LINE would sign every webhook with another key, and each"
                    + " would be refused with 401");
        }
        warnings.add(problem + "; accepted, since the platform at " + platform + " is not LINE's");
    }

    /** Prints the warnings on the command's standard error, named by the command. */
    void printWarnings(CommandLine.Model.CommandSpec spec) {
        for (String warning : warnings) {
            spec.commandLine().getErr().println(spec.qualifiedName() + ": warning: " + warning);
        }
        spec.commandLine().getErr().flush();
    }

    /**
     * The kind of channel access token to send with: {@code requested} if given, else long-lived when
     * LINE_CHANNEL_ACCESS_TOKEN is set, else stateless when LINE_CHANNEL_ID is; null when neither
     * (no sending).
     */
    String tokenType(String requested) {
        String type = requested != null ? requested
                : channelAccessToken != null ? "long-lived" : channelId != null ? "stateless" : null;
        if ("long-lived".equals(type) && channelAccessToken == null) {
            throw new IllegalArgumentException("--token-type long-lived needs LINE_CHANNEL_ACCESS_TOKEN");
        }
        return type;
    }

    /**
     * Where the channel access token comes from for {@code requested} (a {@code --token-type}, or
     * null for the default of {@link #tokenType}): none, the given long-lived token, or tokens linegate
     * issues (short-lived, stateless, v2.1).
     */
    TokenSettings tokens(String requested, Duration v21Lifetime) {
        String type = tokenType(requested);
        if (type == null) {
            return TokenSettings.none();
        }
        switch (type) {
            case "long-lived":
                return TokenSettings.longLived(channelAccessToken);
            case "short-lived":
                return TokenSettings.shortLived(channelId, channelSecret);
            case "stateless":
                return TokenSettings.stateless(channelId, channelSecret);
            case "v2.1":
                if (assertionKeyFile == null) {
                    return TokenSettings.v21(channelId, channelSecret, null, v21Lifetime); // says what is missing
                }
                try {
                    RSAKey key = RSAKey.parse(Files.readString(assertionKeyFile));
                    return TokenSettings.v21(channelId, channelSecret, key, v21Lifetime);
                } catch (IOException | ParseException e) {
                    throw new IllegalArgumentException("cannot read the assertion key " + assertionKeyFile + ": " + e.getMessage());
                }
            default:
                throw new IllegalArgumentException("token type must be long-lived, short-lived, stateless or v2.1, not " + type);
        }
    }

    /**
     * The runtime's configuration for these settings: the store at {@code storeLocation}, the API
     * base ({@code apiBaseOption} if given, else the settings'), the channel's tokens of
     * {@code tokenType}, and the channel id for shared rate limits. Callers add their own options.
     */
    RuntimeConfig.Builder runtime(String storeLocation, URI apiBaseOption, String tokenType, Duration v21Lifetime) {
        return RuntimeConfig.builder()
                .store(storeLocation)
                .apiBase(apiBaseOption != null ? apiBaseOption : apiBase)
                .tokens(tokens(tokenType, v21Lifetime))
                .channelId(channelId);
    }

    /**
     * Reads the YAML file, refusing keys it does not know: a misspelled key would otherwise be ignored
     * and its setting silently left at the default.
     */
    static File readFile(Path configFile) {
        try {
            return Json.yaml().readerFor(File.class)
                    .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(configFile.toFile());
        } catch (UnrecognizedPropertyException e) {
            List<String> known = e.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
            String nearest = nearest(e.getPropertyName(), known);
            throw new IllegalArgumentException("unknown key '" + e.getPropertyName() + "' in " + configFile
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")")
                    + (nearest == null ? "" : "; did you mean '" + nearest + "'?") + " Known keys: "
                    + String.join(", ", known));
        } catch (FileNotFoundException | NoSuchFileException e) {
            throw new IllegalArgumentException("config file " + configFile + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + configFile + ": "
                    + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
    }

    /** The known key closest to {@code key} by edit distance, if it is close enough to be a typo. */
    static String nearest(String key, List<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(key.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(2, key.length() / 3) ? best : null;
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String pick(Map<String, String> env, String name, String fromFile) {
        String v = env.get(name);
        if (v != null && !v.isBlank()) {
            return v;
        }
        return fromFile == null || fromFile.isBlank() ? null : fromFile;
    }
}
