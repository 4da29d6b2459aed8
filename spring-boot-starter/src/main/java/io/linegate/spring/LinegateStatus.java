package io.linegate.spring;

import io.linegate.store.OperatorControls;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/** What the health indicator and the actuator endpoint say of a channel. */
final class LinegateStatus {
    private LinegateStatus() {}

    /** The channel's state; throws if its store cannot be read. */
    static Map<String, Object> of(LinegateChannel c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("path", c.path());
        out.put("ready", c.ready());
        out.put("store", c.store().location());
        out.put("writable", c.store().writeHealth().writable());
        c.store().writeHealth().problem().ifPresent(p -> out.put("writeProblem", p));
        out.put("backlog", c.dispatcher().backlog());
        out.put("deadLetters", c.store().deadLetters().waiting());
        OperatorControls controls = c.store().controls();
        out.put("maintenance", controls.controls(OperatorControls.MAINTENANCE).contains("on"));
        out.put("muted", new TreeSet<>(controls.controls(OperatorControls.MUTE)));
        out.put("sending", c.sender().isPresent());
        return out;
    }
}
