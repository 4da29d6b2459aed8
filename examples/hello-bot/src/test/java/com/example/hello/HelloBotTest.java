package com.example.hello;

import static org.assertj.core.api.Assertions.assertThat;

import io.linegate.test.BotTester;
import io.linegate.test.TestUser;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bot against a real linegate server and an emulator, started in-process by the test kit. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HelloBotTest {
    @Test
    void greetsAnswersTheWeatherAndEchoes() {
        try (BotTester line = BotTester.start(new HelloBot("Hello!"))) {
            TestUser alice = line.friend("Alice"); // her follow event is handled: the greeting
            alice.says("weather Tokyo").awaitOutcome();
            alice.says("good night").awaitOutcome();
            assertThat(alice.receivedTexts()).containsExactly("Hello!", "Sunny in Tokyo.", "good night");
        }
    }
}
