package io.linegate.emulator.control;

import static com.linecorp.armeria.common.HttpMethod.DELETE;
import static com.linecorp.armeria.common.HttpMethod.POST;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.core.Json;
import io.linegate.emulator.domain.ApiException;
import io.linegate.emulator.domain.ApiException.Detail;
import io.linegate.emulator.domain.Platform;
import io.linegate.emulator.http.Call;
import io.linegate.emulator.http.Faults;
import io.linegate.emulator.http.RateLimiter;
import io.linegate.emulator.http.Reply;
import io.linegate.emulator.http.Router;
import java.util.ArrayList;
import java.util.List;

/** The control API's administration: injected faults and a reset (a channel's console settings are {@link ConsoleApi}'s). */
final class AdministrationControl {
    private static final String PREFIX = ControlApi.PREFIX;
    private final Platform platform;
    private final Faults faults;
    private final RateLimiter limiter;

    AdministrationControl(Control control, Faults faults, RateLimiter limiter) {
        this.platform = control.platform;
        this.faults = faults;
        this.limiter = limiter;
    }

    void register(Router r) {
        r.on(POST, PREFIX + "/faults").control().to(this::addFault);
        r.on(DELETE, PREFIX + "/faults").control().to(c -> {
            faults.clear();
            return Reply.emptyObject();
        });
        r.on(POST, PREFIX + "/reset").control().to(this::reset);
    }

    private Reply addFault(Call c) {
        JsonNode b = c.jsonObject();
        String endpoint = b.path("endpoint").asText("");
        List<Detail> d = new ArrayList<>();
        if (!endpoint.startsWith("/")) {
            d.add(new Detail("Must be a path such as /v2/bot/message/push", "endpoint"));
        }
        for (String rate : List.of("errorRate", "acceptedButLostRate", "resetRate")) {
            double v = b.path(rate).asDouble(0);
            if (v < 0 || v > 1) {
                d.add(new Detail("Must be between 0 and 1", rate));
            }
        }
        if (!d.isEmpty()) {
            throw ApiException.invalid(d);
        }
        Faults.Spec s = new Faults.Spec(endpoint, b.path("latencyMs").asLong(0), b.path("errorRate").asDouble(0),
                b.path("acceptedButLostRate").asDouble(0), b.path("resetRate").asDouble(0), b.path("count").asInt(-1));
        faults.add(s);
        return Reply.ok(Json.mapper().valueToTree(s));
    }

    private Reply reset(Call c) {
        faults.clear();
        limiter.reset();
        platform.webhooks().clear();
        platform.state().reset();
        return Reply.emptyObject();
    }
}
