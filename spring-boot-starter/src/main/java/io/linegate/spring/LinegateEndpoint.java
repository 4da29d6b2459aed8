package io.linegate.spring;

import io.linegate.store.DeadLetters;
import io.linegate.store.OperatorControls;
import io.linegate.webhook.ConversationKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;

/**
 * linegate's operator switches as an Actuator endpoint, {@code /actuator/linegate}, behind whatever
 * secures the application's actuator endpoints (expose it with
 * {@code management.endpoints.web.exposure.include=linegate}):
 * <ul>
 *   <li>{@code GET /actuator/linegate}: every channel's state; {@code GET /actuator/linegate/{channel}}: one;</li>
 *   <li>{@code GET /actuator/linegate/{channel}/dead-letters}: the dead letters waiting;</li>
 *   <li>{@code POST /actuator/linegate/{channel}/maintenance/on} (or {@code off});</li>
 *   <li>{@code POST /actuator/linegate/{channel}/mute/{source}} and {@code DELETE} the same to unmute,
 *       {@code source} such as {@code user:U...};</li>
 *   <li>{@code POST /actuator/linegate/{channel}/replay/{deadLetterId}}.</li>
 * </ul>
 * On a shared store, a switch set through one node holds on every node within a second. A mistake
 * is answered 400 (an unknown channel 404) with {@code {"message": ...}}.
 */
@WebEndpoint(id = "linegate")
public class LinegateEndpoint {
    private final LinegateChannels channels;

    public LinegateEndpoint(LinegateChannels channels) {
        this.channels = channels;
    }

    @ReadOperation
    public Map<String, Object> channels() {
        Map<String, Object> out = new LinkedHashMap<>();
        channels.all().forEach(c -> out.put(c.name(), LinegateStatus.of(c)));
        return out;
    }

    @ReadOperation
    public WebEndpointResponse<Object> channel(@Selector String channel) {
        return answer(() -> LinegateStatus.of(channels.channel(channel)));
    }

    @ReadOperation
    public WebEndpointResponse<Object> read(@Selector String channel, @Selector String what) {
        return answer(() -> {
            if (!what.equals("dead-letters")) {
                throw new IllegalArgumentException("unknown: " + what + "; read dead-letters");
            }
            List<DeadLetters.DeadLetter> letters = channels.channel(channel).store().deadLetters().list(100);
            return letters;
        });
    }

    @WriteOperation
    public WebEndpointResponse<Object> write(@Selector String channel, @Selector String action, @Selector String subject) {
        return answer(() -> change(channel, action, subject));
    }

    private Map<String, Object> change(String channel, String action, String subject) {
        LinegateChannel c = channels.channel(channel);
        OperatorControls controls = c.store().controls();
        switch (action) {
            case "maintenance" -> {
                if (!subject.equals("on") && !subject.equals("off")) {
                    throw new IllegalArgumentException("maintenance is on or off, was " + subject);
                }
                controls.setControl(OperatorControls.MAINTENANCE, "on", subject.equals("on"));
            }
            case "mute" -> controls.setControl(OperatorControls.MUTE, source(subject), true);
            case "replay" -> replay(c, subject);
            default -> throw new IllegalArgumentException("unknown action " + action + "; maintenance, mute or replay");
        }
        c.dispatcher().refreshControls();
        return LinegateStatus.of(c);
    }

    @DeleteOperation
    public WebEndpointResponse<Object> unmute(@Selector String channel, @Selector String action, @Selector String subject) {
        return answer(() -> {
            if (!action.equals("mute")) {
                throw new IllegalArgumentException("only mute can be deleted, was " + action);
            }
            LinegateChannel c = channels.channel(channel);
            c.store().controls().setControl(OperatorControls.MUTE, source(subject), false);
            c.dispatcher().refreshControls();
            return LinegateStatus.of(c);
        });
    }

    /** The operation's result, or the caller's mistake as 400 (404 for an unknown channel) in LINE's error shape. */
    private static WebEndpointResponse<Object> answer(Supplier<Object> operation) {
        try {
            return new WebEndpointResponse<>(operation.get(), 200);
        } catch (NoSuchElementException e) {
            return new WebEndpointResponse<>(Map.of("message", e.getMessage()), 404);
        } catch (IllegalArgumentException e) {
            return new WebEndpointResponse<>(Map.of("message", e.getMessage()), 400);
        }
    }

    private static String source(String subject) {
        return ConversationKey.ofOperatorInput(subject).map(ConversationKey::key).orElseThrow(() -> new IllegalArgumentException(
                "a source is a LINE user, group or room id (U..., C..., R...: a letter and 32 hexadecimal digits)"
                        + " or user:ID, group:ID, room:ID, was " + subject));
    }

    private static void replay(LinegateChannel c, String id) {
        long letter;
        try {
            letter = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a dead letter id is a number, was " + id);
        }
        Optional<Long> replayed;
        try {
            replayed = c.store().deadLetters().replay(letter).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while replaying dead letter " + letter);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("dead letter " + letter + " could not be replayed: " + e.getCause());
        }
        if (replayed.isEmpty()) {
            throw new NoSuchElementException("no dead letter " + letter + " is waiting for replay");
        }
        c.dispatcher().appended();
    }
}
