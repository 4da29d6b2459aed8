package io.linegate.emulator.control;

import io.linegate.emulator.domain.Platform;
import io.linegate.emulator.http.Faults;
import io.linegate.emulator.http.RateLimiter;
import io.linegate.emulator.http.Router;

/**
 * The control API under {@code /control/v1}: what users do (befriend, block, send messages,
 * postbacks, unsend), groups and their members, arbitrary raw events, the inboxes of what bots sent,
 * webhook delivery records and error statistics, the consoles' channel settings, injected faults and a reset. No
 * LINE authentication: it binds to loopback by default. Every operation takes an optional
 * {@code ?channelId=} and otherwise acts on the default channel.
 */
public final class ControlApi {
    public static final String PREFIX = "/control/v1";
    private final Control control;
    private final Faults faults;
    private final RateLimiter limiter;

    public ControlApi(Platform platform, Faults faults, RateLimiter limiter) {
        this.control = new Control(platform);
        this.faults = faults;
        this.limiter = limiter;
    }

    public void register(Router r) {
        new UsersControl(control).register(r);
        new GroupsControl(control).register(r);
        new ObservationControl(control).register(r);
        new AdministrationControl(control, faults, limiter).register(r);
        new ConsoleApi(control.platform).register(r);
        new AudienceControl(control).register(r);
    }
}
