package io.linegate.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.linegate.core.Json;
import org.junit.jupiter.api.Test;

class ConversationKeyTest {
    static final String USER = "U0123456789abcdef0123456789abcdef";
    static final String GROUP = "C0123456789abcdef0123456789abcdef";

    static JsonNode event(String source) throws Exception {
        return Json.mapper().readTree("{\"type\":\"message\",\"source\":" + source + "}");
    }

    @Test
    void anEventBelongsToItsGroupRoomOrUserAndAnEventWithoutASourceToItself() throws Exception {
        assertThat(ConversationKey.of(event("{\"type\":\"group\",\"groupId\":\"" + GROUP + "\",\"userId\":\"" + USER + "\"}"), "e1").key())
                .isEqualTo("group:" + GROUP);
        assertThat(ConversationKey.of(event("{\"type\":\"user\",\"userId\":\"" + USER + "\"}"), "e1").recipient()).contains(USER);
        ConversationKey own = ConversationKey.of(event("{\"type\":\"hologram\"}"), "e1");
        assertThat(own.key()).isEqualTo("event:e1");
        assertThat(own.recipient()).as("nobody to push to").isEmpty();
    }

    @Test
    void aStoredKeyReadsBackAsTheSameKey() {
        for (String key : new String[] {"user:" + USER, "group:" + GROUP, "room:R0123456789abcdef0123456789abcdef", "event:sha256:ab"}) {
            assertThat(ConversationKey.parse(key).key()).isEqualTo(key);
        }
        assertThatThrownBy(() -> ConversationKey.parse("channel:X")).hasMessageContaining("not a conversation key");
    }

    @Test
    void operatorsNameAConversationByItsLineIdOrKeyAndNothingElse() {
        assertThat(ConversationKey.ofOperatorInput(USER)).map(ConversationKey::key).contains("user:" + USER);
        assertThat(ConversationKey.ofOperatorInput("group:" + GROUP)).map(ConversationKey::key).contains("group:" + GROUP);
        assertThat(ConversationKey.ofOperatorInput("Ubogus")).as("not a LINE id").isEmpty();
        assertThat(ConversationKey.ofOperatorInput("user:" + GROUP)).as("a group's id is no user").isEmpty();
        assertThat(ConversationKey.ofOperatorInput("event:" + USER)).as("an event's own lane is no switch").isEmpty();
        assertThat(ConversationKey.ofOperatorInput(null)).isEmpty();
    }
}
