package io.linegate.journal.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KafkaLocationTest {

    @Test
    void aLocationNamesTheBootstrapServersAndThePrefixOfTheTopicAndTheGroup() {
        KafkaLocation l = KafkaLocation.parse("kafka://k1:9092,k2.example.com:9093/line-bot");
        assertThat(l.servers()).containsExactly("k1:9092", "k2.example.com:9093");
        assertThat(l.eventsTopic()).isEqualTo("line-bot.events");
        assertThat(l.group()).isEqualTo("line-bot.handlers");
        assertThat(l).hasToString("kafka://k1:9092,k2.example.com:9093/line-bot");
    }

    @Test
    void aWrongLocationSaysWhatIsWrongWithIt() {
        assertThatThrownBy(() -> KafkaLocation.parse("kafka://k1:9092")).hasMessageContaining("prefix is missing");
        assertThatThrownBy(() -> KafkaLocation.parse("kafka://k1/bot")).hasMessageContaining("'k1' is not host:port");
        assertThatThrownBy(() -> KafkaLocation.parse("kafka://k1:99999/bot")).hasMessageContaining("port 99999");
        assertThatThrownBy(() -> KafkaLocation.parse("kafka://k1:9092/a b")).hasMessageContaining("prefix 'a b'");
        assertThatThrownBy(() -> KafkaLocation.parse("postgresql://db/x")).hasMessageContaining("kafka://host:port");
    }
}
