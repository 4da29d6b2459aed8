package io.linegate.emulator;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;

/**
 * An emulator whose default channel sends its webhooks to a {@link Receiver}, with clients for the
 * Messaging API (the channel's token) and the control API: what most emulator tests start from.
 */
abstract class ReceiverFixture {
    Receiver receiver;
    Emulator emulator;
    Http http;
    Http control;

    /** Starts it; {@code options} adds to the builder (a config, a clock, rate limits off...). */
    void startEmulator(UnaryOperator<Emulator.Builder> options) {
        receiver = new Receiver();
        emulator = options.apply(Emulator.builder().webhookUrl(receiver.url())).build().start();
        http = new Http(emulator.baseUrl(), emulator.defaultChannel().accessToken());
        control = new Http(emulator.baseUrl(), null);
    }

    @AfterEach
    void stopEmulator() {
        emulator.close();
        receiver.close();
    }

    String friend(String name) throws InterruptedException {
        return receiver.friend(control, name);
    }
}
