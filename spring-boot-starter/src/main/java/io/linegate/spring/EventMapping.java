package io.linegate.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A method of a {@link LineMessageHandler} bean that handles the events its parameters accept, with
 * the official SDK's rules: each parameter is an event type ({@code MessageEvent}, {@code
 * FollowEvent}, {@code Event} for all), a message content type ({@code TextMessageContent}: message
 * events with that content), a {@code String} annotated {@link LineBotDestination}, or linegate's
 * {@link io.linegate.webhook.EventContext}. An event goes to the first method, by priority (bigger
 * first), whose parameters all accept it.
 *
 * <p>Returning a {@code Message}, a list of them, or a {@code CompletableFuture} of either replies with
 * the event's reply token. A method that throws, or whose future fails, is retried with backoff and then
 * dead-lettered, and the reply and pushes of a retried run are not sent twice.
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface EventMapping {
    int DEFAULT_PRIORITY_VALUE = -1;
    int DEFAULT_PRIORITY_FOR_EVENT_IFACE = 0;
    int DEFAULT_PRIORITY_FOR_STRING = 1;
    int DEFAULT_PRIORITY_FOR_IFACE = 10;
    int DEFAULT_PRIORITY_FOR_CLASS = 100;
    int DEFAULT_PRIORITY_FOR_PARAMETRIZED_TYPE = 1000;

    /**
     * Bigger is tried first. By default, the sum over the parameters: 0 for {@code Event}, 1 for a
     * {@code String}, 10 for an interface, 100 for a class (the official SDK's defaults).
     */
    int priority() default DEFAULT_PRIORITY_VALUE;
}
