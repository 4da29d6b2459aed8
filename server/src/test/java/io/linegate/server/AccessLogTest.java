package io.linegate.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AccessLogTest {
    @Test
    void latencyIsPrintedInMillisecondsWithThreeDecimals() {
        assertThat(AccessLog.millis(1_234_567)).isEqualTo("1.234");
        assertThat(AccessLog.millis(5_000)).isEqualTo("0.005");
        assertThat(AccessLog.millis(12_050_000)).isEqualTo("12.050");
        assertThat(AccessLog.millis(999)).isEqualTo("0.000");
    }
}
