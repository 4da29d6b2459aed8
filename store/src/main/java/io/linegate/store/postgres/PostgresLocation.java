package io.linegate.store.postgres;

import io.linegate.core.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A PostgreSQL store location: {@code postgresql://[user[:password]@]host[:port]/database[?param=value...]}
 * (also {@code postgres://} and {@code jdbc:postgresql://}); {@code user} and {@code password} may
 * also be query parameters. Other parameters go to the driver ({@code sslmode}, say).
 * {@link #toString()} never shows the password.
 */
record PostgresLocation(String host, int port, String database, String user, Secret password,
                        Map<String, String> parameters) {

    static boolean accepts(String location) {
        return location.startsWith("postgresql://") || location.startsWith("postgres://")
                || location.startsWith("jdbc:postgresql://");
    }

    static PostgresLocation parse(String location, Secret fallbackPassword) {
        String plain = location.startsWith("jdbc:") ? location.substring(5) : location;
        URI uri;
        try {
            uri = new URI(plain);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the store location is not a valid URL: " + io.linegate.store.StoreProvider.redact(location));
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("the store location names no host: " + io.linegate.store.StoreProvider.redact(location)
                    + " (expected postgresql://host:5432/database?user=...)");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String database = decode(path.startsWith("/") ? path.substring(1) : path);
        if (database.isEmpty() || database.contains("/")) {
            throw new IllegalArgumentException("the store location names no database: " + io.linegate.store.StoreProvider.redact(location)
                    + " (expected postgresql://host:5432/database?user=...)");
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                params.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        String user = params.remove("user");
        String password = params.remove("password");
        if (uri.getRawUserInfo() != null) {
            String info = uri.getRawUserInfo();
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            if (colon >= 0) {
                password = decode(info.substring(colon + 1));
            }
        }
        Secret secret = password != null ? Secret.of(password, "store password") : fallbackPassword;
        return new PostgresLocation(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), database, user, secret,
                Map.copyOf(params));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The JDBC URL, without user or password (those go to the data source). */
    String jdbcUrl() {
        StringBuilder url = new StringBuilder("jdbc:postgresql://").append(host).append(':').append(port).append('/')
                .append(URLEncoder.encode(database, StandardCharsets.UTF_8));
        char sep = '?';
        for (Map.Entry<String, String> p : parameters.entrySet()) {
            url.append(sep).append(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8));
            sep = '&';
        }
        return url.toString();
    }

    @Override
    public String toString() {
        return "postgresql://" + (user == null ? "" : user + "@") + host + ":" + port + "/" + database;
    }
}
