package io.linegate.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * As the official starter's: a {@code List<Event>} parameter of the application's own web controller
 * method receives the events of the webhook it is handling, parsed and its signature verified with the
 * {@code WebhookParser} bean. A webhook that fails is answered before the method runs: 401 for a missing
 * or wrong signature, 400 for a body that is not a webhook, 413 above {@code linegate.max-body-size}, in
 * LINE's error shape. Such a controller handles webhooks the official way, inside the request, without
 * linegate's journal; {@link EventMapping} methods are linegate's way.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface LineBotMessages {
}
