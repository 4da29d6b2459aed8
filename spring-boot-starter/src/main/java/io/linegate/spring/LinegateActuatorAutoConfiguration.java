package io.linegate.spring;

import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With Spring Boot Actuator: a health indicator {@code linegate} (each channel's store reachable, its
 * backlog and dead letters, whether it takes webhooks) and the {@link LinegateEndpoint}. Spring Boot 3
 * and 4 keep health indicators in different packages; the one present is used.
 */
@AutoConfiguration(after = LinegateAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
@ConditionalOnBean(LinegateChannels.class)
public class LinegateActuatorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public LinegateEndpoint linegateEndpoint(LinegateChannels channels) {
        return new LinegateEndpoint(channels);
    }

    /**
     * Down when a channel's store cannot be read or cannot write (full, read-only, I/O errors: webhooks are answered
     * 503 until a write succeeds, so a load balancer should send them elsewhere); out of service while a channel does
     * not take webhooks.
     */
    static String health(LinegateChannels channels, Map<String, Object> details) {
        String status = "UP";
        for (LinegateChannel c : channels.all()) {
            try {
                details.put(c.name(), LinegateStatus.of(c));
                if (!c.store().writeHealth().writable()) {
                    status = "DOWN";
                } else if (!c.ready() && status.equals("UP")) {
                    status = "OUT_OF_SERVICE";
                }
            } catch (RuntimeException e) {
                details.put(c.name(), Map.of("store", c.store().location(), "error", String.valueOf(e.getMessage())));
                status = "DOWN";
            }
        }
        return status;
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    static class Boot3Health {
        @Bean(name = "linegateHealthIndicator")
        @ConditionalOnMissingBean(name = "linegateHealthIndicator")
        org.springframework.boot.actuate.health.HealthIndicator linegateHealthIndicator(LinegateChannels channels) {
            return () -> {
                Map<String, Object> details = new java.util.LinkedHashMap<>();
                String status = health(channels, details);
                return org.springframework.boot.actuate.health.Health.status(status).withDetails(details).build();
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class Boot4Health {
        @Bean(name = "linegateHealthIndicator")
        @ConditionalOnMissingBean(name = "linegateHealthIndicator")
        org.springframework.boot.health.contributor.HealthIndicator linegateHealthIndicator(LinegateChannels channels) {
            return () -> {
                Map<String, Object> details = new java.util.LinkedHashMap<>();
                String status = health(channels, details);
                return org.springframework.boot.health.contributor.Health.status(status).withDetails(details).build();
            };
        }
    }
}
