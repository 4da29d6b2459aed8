package io.linegate.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The webhook access log is written off the request threads: an appender that is slow (or preempted
 * under its lock) does not hold up a webhook's answer, and no line is lost.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class WebhookAccessLogTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger("linegate.access");
    private final StuckAppender appender = new StuckAppender();
    private Level levelBefore;

    /**
     * Holds every line it is given until released, as a console appender whose writer is preempted does;
     * unsynchronized, so that a second writer is seen entering it (logback's AppenderBase would queue it on its monitor).
     */
    static final class StuckAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
        final CountDownLatch released = new CountDownLatch(1);
        final CountDownLatch entered = new CountDownLatch(1);
        final List<String> lines = new CopyOnWriteArrayList<>();
        final List<String> writers = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            writers.add(Thread.currentThread().getName());
            entered.countDown();
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            lines.add(event.getFormattedMessage());
        }
    }

    @BeforeEach
    void stickTheAccessLog() {
        levelBefore = logger.getLevel();
        logger.setLevel(Level.INFO);
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void unstick() {
        appender.released.countDown();
        logger.detachAppender(appender);
        appender.stop();
        logger.setLevel(levelBefore);
    }

    @Test
    void aStuckAppenderDoesNotHoldUpTheRequestThreads() throws Exception {
        try (WebhookAccessLog log = new WebhookAccessLog()) {
            CompletableFuture<Void> requests = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 100; i++) {
                    log.record("127.0.0.1", "POST", "/callback", 200, 1_500_000L + i * 1_000L);
                }
            });
            requests.get(10, TimeUnit.SECONDS); // with the lines written on the request thread, it waits on the appender
            assertThat(appender.entered.await(10, TimeUnit.SECONDS)).as("the writer has the first line").isTrue();
            appender.released.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> appender.lines.size() == 100);
        }
        assertThat(appender.lines.get(0)).isEqualTo("127.0.0.1 POST /callback 200 1.5ms");
        assertThat(appender.lines.get(99)).isEqualTo("127.0.0.1 POST /callback 200 1.599ms");
        assertThat(appender.lines).as("in the order answered").isSortedAccordingTo(
                (a, b) -> Double.compare(millis(a), millis(b)));
        assertThat(appender.writers).containsOnly("linegate-access-log");
    }

    @Test
    void pastItsCapacityARequestThreadWritesItsOwnLineAndNothingIsLost() throws Exception {
        try (WebhookAccessLog log = new WebhookAccessLog(2)) {
            log.record("127.0.0.1", "POST", "/callback", 200, 1_000_000L); // taken by the writer, which is stuck
            assertThat(appender.entered.await(10, TimeUnit.SECONDS)).isTrue();
            log.record("127.0.0.1", "POST", "/callback", 200, 2_000_000L);
            log.record("127.0.0.1", "POST", "/callback", 200, 3_000_000L); // the queue is full now
            assertThat(log.waiting()).isEqualTo(2);
            Thread request = new Thread(() -> log.record("127.0.0.1", "POST", "/callback", 503, 4_000_000L), "a-request");
            request.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> appender.writers.contains("a-request"));
            appender.released.countDown();
            request.join(10_000);
            await().atMost(Duration.ofSeconds(10)).until(() -> appender.lines.size() == 4);
        }
        assertThat(appender.lines).containsExactlyInAnyOrder("127.0.0.1 POST /callback 200 1.0ms",
                "127.0.0.1 POST /callback 200 2.0ms", "127.0.0.1 POST /callback 200 3.0ms",
                "127.0.0.1 POST /callback 503 4.0ms");
    }

    @Test
    void closingWritesWhatIsQueuedAndLaterLinesAreWrittenByTheirCaller() {
        WebhookAccessLog log = new WebhookAccessLog();
        for (int i = 1; i <= 50; i++) {
            log.record("127.0.0.1", "POST", "/callback", 200, i * 1_000_000L);
        }
        appender.released.countDown();
        log.close();
        assertThat(appender.lines).hasSize(50);
        log.record("127.0.0.1", "POST", "/callback", 200, 51_000_000L);
        assertThat(appender.lines).hasSize(51).endsWith("127.0.0.1 POST /callback 200 51.0ms");
        assertThat(appender.writers.get(50)).isEqualTo(Thread.currentThread().getName());
    }

    @Test
    void nothingIsQueuedWhenTheAccessLogIsOff() {
        logger.setLevel(Level.WARN);
        try (WebhookAccessLog log = new WebhookAccessLog()) {
            log.record("127.0.0.1", "POST", "/callback", 200, 1_000_000L);
            assertThat(log.waiting()).isZero();
        }
        assertThat(appender.lines).isEmpty();
    }

    private static double millis(String line) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1, line.length() - 2));
    }
}
