package io.linegate.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.stereotype.Component;

/**
 * Marks a bean whose {@link EventMapping} methods handle LINE webhook events, as the official SDK's
 * annotation of the same name does (it is a {@link Component}, so component scanning finds it).
 *
 * <p>Unlike the official starter, the methods run after the webhook was acknowledged and stored, one
 * event at a time per user, group or room, deduplicated, and retried when they throw.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface LineMessageHandler {
    /**
     * The channels (names under {@code linegate.channels}, or {@code default} for {@code line.bot.*})
     * whose events this bean handles; empty, the default, means every channel.
     */
    String[] channels() default {};
}
