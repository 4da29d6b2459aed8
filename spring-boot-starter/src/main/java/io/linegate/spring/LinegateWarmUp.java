package io.linegate.spring;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Warms each channel's acknowledgement path through the application's own web server once it listens,
 * before the application reports itself ready ({@code ReadinessState.ACCEPTING_TRAFFIC} comes after
 * the runners): a JVM that has just started answers a burst late, and LINE waits 2 seconds. Until a
 * channel is warm its webhooks are answered 503 and the {@code linegate} health is OUT_OF_SERVICE.
 */
final class LinegateWarmUp implements ApplicationRunner, Ordered {
    private final LinegateChannels channels;
    private final Duration maximum;
    private final Environment environment;

    LinegateWarmUp(LinegateChannels channels, Duration maximum, Environment environment) {
        this.channels = channels;
        this.maximum = maximum;
        this.environment = environment;
    }

    @Override
    public void run(ApplicationArguments args) {
        String port = environment.getProperty("local.server.port");
        boolean tls = environment.getProperty("server.ssl.enabled", Boolean.class, false)
                || environment.getProperty("server.ssl.bundle") != null;
        for (LinegateChannel c : channels.all()) {
            if (port == null) {
                c.warmUp(Duration.ZERO, null); // no web server to warm: ready at once
            } else {
                c.warmUp(maximum, URI.create((tls ? "https" : "http") + "://127.0.0.1:" + port));
            }
        }
    }

    /** First among the runners, so that the application's own runners see the channels ready. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
