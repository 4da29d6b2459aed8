package io.linegate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.emulator.http.SpecValidator;

/** The parsed spec, shared by every emulator in the JVM: parsing it takes a noticeable moment. */
final class Specs {
    private static volatile SpecValidator messaging;

    private static volatile JsonNode messagingTree;

    private Specs() {}

    static JsonNode messagingApiTree() {
        JsonNode t = messagingTree;
        if (t == null) {
            synchronized (Specs.class) {
                if (messagingTree == null) {
                    messagingTree = SpecValidator.messagingApiTree();
                }
                t = messagingTree;
            }
        }
        return t;
    }

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
