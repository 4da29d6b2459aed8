package io.linegate.emulator;

import io.linegate.emulator.http.SpecValidator;

/** The parsed spec, shared by every emulator in the JVM: parsing it takes a noticeable moment. */
final class Specs {
    private static volatile SpecValidator messaging;

    private Specs() {}

    static SpecValidator messagingApi() {
        SpecValidator v = messaging;
        if (v == null) {
            synchronized (Specs.class) {
                if (messaging == null) {
                    messaging = SpecValidator.messagingApi();
                }
                v = messaging;
            }
        }
        return v;
    }
}
