package io.linegate.spring;

import io.linegate.core.Defaults;
import io.linegate.console.Console;
import io.linegate.console.ConsoleRequest;
import io.linegate.console.ConsoleResponse;
import io.linegate.core.Secret;
import io.linegate.runtime.LineMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.web.HttpRequestHandler;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;

/**
 * The operator console (the {@code console} module, as {@code linegate serve} serves it on its admin
 * listener) inside a Spring Boot application, on the application's own port at {@code
 * linegate.console.path} ({@code /linegate/console}). Off unless {@code linegate.console.enabled=true},
 * since it lets whoever holds {@code linegate.console.admin-token} replay dead letters and pause
 * campaigns. Its safety does not lean on the application's: sign-in with that token exchanged for an
 * HttpOnly, SameSite=Strict, Secure session cookie, a CSRF token and a same-origin check on every
 * change, wrong tokens limited per address, every action in the store's operator audit. An application
 * with Spring Security must let the path through its filter chain (the console answers 401 itself) or
 * put it behind its own sign-in as well.
 *
 * <p>With several channels, {@code linegate.console.channel} names the one the console shows.
 */
@AutoConfiguration(after = LinegateAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(SimpleUrlHandlerMapping.class)
@ConditionalOnBean(LinegateChannels.class)
@ConditionalOnProperty(name = "linegate.console.enabled", havingValue = "true")
@EnableConfigurationProperties(LinegateConsoleAutoConfiguration.ConsoleProperties.class)
public class LinegateConsoleAutoConfiguration {
    /** The admin API's rule: a token this long cannot be guessed ({@code openssl rand -hex 32}). */
    static final int MIN_TOKEN_LENGTH = 32;

    /** {@code linegate.console.*}: where the console is served and who may sign in. */
    @ConfigurationProperties("linegate.console")
    public static class ConsoleProperties {
        /** Serve the operator console (off by default). */
        private boolean enabled;
        /** The path it is served under. */
        private String path = "/linegate/console";
        /** The token an operator signs in with, at least 32 characters; set it from LINEGATE_CONSOLE_ADMIN_TOKEN. */
        private String adminToken;
        /** The channel it shows, by name; needed only with several channels. */
        private String channel;
        /** Mark the session cookie Secure (browsers then send it over HTTPS and to localhost only). */
        private boolean secureCookie = true;
        /** How long a session lasts without use. */
        private Duration idleExpiry = Defaults.CONSOLE_IDLE_EXPIRY;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getPath() {
            return path;
        }

        public void setPath(String path) {
            this.path = path;
        }

        public String getAdminToken() {
            return adminToken;
        }

        public void setAdminToken(String adminToken) {
            this.adminToken = adminToken;
        }

        public String getChannel() {
            return channel;
        }

        public void setChannel(String channel) {
            this.channel = channel;
        }

        public boolean isSecureCookie() {
            return secureCookie;
        }

        public void setSecureCookie(boolean secureCookie) {
            this.secureCookie = secureCookie;
        }

        public Duration getIdleExpiry() {
            return idleExpiry;
        }

        public void setIdleExpiry(Duration idleExpiry) {
            this.idleExpiry = idleExpiry;
        }

        @Override
        public String toString() {
            return "ConsoleProperties[path=" + path + ", channel=" + channel + "]"; // never the token
        }
    }

    @Bean(destroyMethod = "close")
    Console linegateConsole(LinegateChannels channels, ConsoleProperties props, ObjectProvider<MeterRegistry> registries) {
        String token = props.getAdminToken();
        if (token == null || token.isBlank()) {
            throw new InvalidLinegateConfiguration("linegate.console.admin-token",
                    "linegate.console.enabled is true but linegate.console.admin-token is not set: the console signs in"
                            + " with it (at least " + MIN_TOKEN_LENGTH + " characters, e.g. openssl rand -hex 32)");
        }
        if (token.length() < MIN_TOKEN_LENGTH) {
            throw new InvalidLinegateConfiguration("linegate.console.admin-token", "linegate.console.admin-token must be at least "
                    + MIN_TOKEN_LENGTH + " characters, was " + token.length());
        }
        LinegateChannel channel = channel(channels, props.getChannel());
        MeterRegistry registry = registries.getIfAvailable(SimpleMeterRegistry::new);
        channel.sender().ifPresent(sender -> LineMeters.bind(registry, sender.lineFigures()));
        Console.Builder b;
        try {
            b = Console.builder(channel.store(), channel.dispatcher(), Secret.of(token, "linegate.console.admin-token"),
                    registry).basePath(props.getPath()).secure(props.isSecureCookie()).idleExpiry(props.getIdleExpiry())
                    .status(() -> status(channel));
        } catch (IllegalArgumentException e) {
            throw new InvalidLinegateConfiguration("linegate.console", e.getMessage(), e);
        }
        return b.build().start();
    }

    private static LinegateChannel channel(LinegateChannels channels, String name) {
        List<LinegateChannel> all = channels.all();
        if (name != null && !name.isBlank()) {
            return all.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() -> new InvalidLinegateConfiguration(
                    "linegate.console.channel", "linegate.console.channel is " + name + ", which is not a channel; the channels are "
                            + all.stream().map(LinegateChannel::name).toList()));
        }
        if (all.size() != 1) {
            throw new InvalidLinegateConfiguration("linegate.console.channel", "the console shows one channel: set"
                    + " linegate.console.channel to one of " + all.stream().map(LinegateChannel::name).toList());
        }
        return all.get(0);
    }

    /** The overview's status, in the shape {@code serve}'s admin status has. */
    private static Map<String, Object> status(LinegateChannel c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bot", c.name());
        Map<String, Object> store = new LinkedHashMap<>();
        store.put("location", c.store().location());
        try {
            store.put("writable", c.store().writeHealth().writable());
            out.put("deadLetters", c.store().deadLetters().waiting());
            out.put("backlog", c.dispatcher().backlog());
            store.put("reachable", true);
        } catch (RuntimeException e) {
            store.put("reachable", false);
        }
        out.put("store", store);
        return out;
    }

    /** Every request under the console's path, ahead of the application's controllers and static resources. */
    @Bean
    SimpleUrlHandlerMapping linegateConsolePaths(Console console) {
        HttpRequestHandler handler = (req, res) -> answer(console, req, res);
        Map<String, Object> urls = new LinkedHashMap<>();
        urls.put(console.basePath(), handler);
        urls.put(console.basePath() + "/**", handler);
        SimpleUrlHandlerMapping mapping = new SimpleUrlHandlerMapping(urls);
        mapping.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return mapping;
    }

    static void answer(Console console, HttpServletRequest req, HttpServletResponse res) throws IOException {
        String uri = req.getRequestURI().substring(req.getContextPath().length());
        String path = uri.substring(Math.min(uri.length(), console.basePath().length()));
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : ConsoleRequest.HEADERS) {
            String v = req.getHeader(name);
            if (v != null) {
                headers.put(name, v);
            }
        }
        if (req.getContentLengthLong() > Console.MAX_BODY_BYTES) {
            write(res, Console.bodyTooLarge());
            return;
        }
        byte[] body;
        try (InputStream in = req.getInputStream()) {
            body = in.readNBytes(Console.MAX_BODY_BYTES + 1);
        }
        if (body.length > Console.MAX_BODY_BYTES) {
            write(res, Console.bodyTooLarge());
            return;
        }
        write(res, console.handle(new ConsoleRequest(req.getMethod(), path, req.getQueryString(), headers,
                req.getRemoteAddr(), body)));
    }

    private static void write(HttpServletResponse res, ConsoleResponse r) throws IOException {
        res.setStatus(r.status());
        r.headers().forEach(res::setHeader);
        res.setContentType(r.contentType());
        res.setContentLength(r.body().length);
        res.getOutputStream().write(r.body());
    }
}
