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

    private static volatile SpecValidator audience;

    static SpecValidator manageAudience() {
        SpecValidator v = audience;
        if (v == null) {
            synchronized (Specs.class) {
                if (audience == null) {
                    audience = SpecValidator.manageAudience();
                }
                v = audience;
            }
        }
        return v;
    }

    private static volatile SpecValidator insight;

    static SpecValidator insight() {
        SpecValidator v = insight;
        if (v == null) {
            synchronized (Specs.class) {
                if (insight == null) {
                    insight = SpecValidator.insight();
                }
                v = insight;
            }
        }
        return v;
    }

    private static volatile SpecValidator liff;

    static SpecValidator liff() {
        SpecValidator v = liff;
        if (v == null) {
            synchronized (Specs.class) {
                if (liff == null) {
                    liff = SpecValidator.liff();
                }
                v = liff;
            }
        }
        return v;
    }

    private static volatile SpecValidator shop;

    static SpecValidator shop() {
        SpecValidator v = shop;
        if (v == null) {
            synchronized (Specs.class) {
                if (shop == null) {
                    shop = SpecValidator.shop();
                }
                v = shop;
            }
        }
        return v;
    }

    private static volatile SpecValidator module;

    static SpecValidator module() {
        SpecValidator v = module;
        if (v == null) {
            synchronized (Specs.class) {
                if (module == null) {
                    module = SpecValidator.module();
                }
                v = module;
            }
        }
        return v;
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
