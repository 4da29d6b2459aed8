package io.linegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's main job: the emulator and the echo bot, talking to each other. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DemoCommandTest {
    @Test
    void runsTheScriptedConversationEndToEnd() {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        int code;
        try {
            code = Cli.run(Map.of(), "demo", "--port", "0", "--bot-port", "0", "--site-port", "0", "--exit").exitCode;
        } finally {
            System.setOut(original);
        }
        String transcript = out.toString();
        System.out.println(transcript);
        assertThat(code).isZero();
        assertThat(transcript)
                .contains("bot   > Thanks for adding me!")
                .contains("Alice > Hello, linegate!")
                .contains("bot   > Hello, linegate!   (reply)")
                .contains("bot   > [sticker 446/1988]   (reply)")
                .contains("acknowledged with 200")
                .containsPattern("Chat with the bot as Alice in a browser: http://127\\.0\\.0\\.1:\\d+/\\?user=U[0-9a-f]{32}")
                .containsPattern("member site \\(LINE Login, ID linking, LIFF\\) is on http://localhost:\\d+/")
                .contains("@emulator.local with password")
                // What another bot needs to use the demo's emulator: the channel's id, secret and a token.
                .containsPattern("Channel \\d{10}: secret [0-9a-f]{32}, access token [A-Za-z0-9+/=]{100,}")
                .containsPattern("another token: curl -s http://127\\.0\\.0\\.1:\\d+/v2/oauth/accessToken"
                        + " -d grant_type=client_credentials -d client_id=\\d{10} -d client_secret=[0-9a-f]{32}");
    }
}
