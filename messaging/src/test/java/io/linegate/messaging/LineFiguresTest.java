package io.linegate.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineFiguresTest {

    @Test
    void answersAreCountedInTheirClass() {
        LineFigures figures = new LineFigures();
        LineFigures.Endpoint e = figures.add("POST /v2/bot/message/push", "2000/second", 2000);
        for (int status : new int[] {200, 204, 429, 400, 409, 500, 503, 0, -1, 302}) {
            e.answered(status);
        }
        assertThat(LineFigures.CLASSES).extracting(e::answers).containsExactly(2L, 1L, 2L, 2L, 2L, 1L);
        assertThatThrownBy(() -> e.answers("3xx")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3xx");
    }

    @Test
    void aListenerHearsOfEveryEndpointOnceWhetherUsedBeforeOrAfter() {
        LineFigures figures = new LineFigures();
        figures.add("GET /v2/bot/info", "2000/second", 2000);
        List<String> heard = new ArrayList<>();
        figures.forEachEndpoint(e -> heard.add(e.name()));
        figures.add("POST /v2/bot/message/narrowcast", "60/hour", 60 / 3600.0);
        assertThat(heard).containsExactly("GET /v2/bot/info", "POST /v2/bot/message/narrowcast");
    }

    @Test
    void countingAnAnswerAllocatesNothing() {
        LineFigures.Endpoint e = new LineFigures().add("POST /v2/bot/message/push", "2000/second", 2000);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        for (int i = 0; i < 200_000; i++) { // warmed up: compiled, and the adders' cells (if any) made
            e.answered(i % 7 == 0 ? 500 : 200);
        }
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 1_000_000; i++) {
            e.answered(i % 7 == 0 ? 500 : 200);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertThat(allocated).as("bytes allocated by a million counted answers").isLessThan(10_000);
        assertThat(e.answers("2xx") + e.answers("5xx")).isEqualTo(1_200_000);
    }
}
