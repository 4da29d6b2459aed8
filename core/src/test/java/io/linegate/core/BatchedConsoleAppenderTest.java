package io.linegate.core;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The access log's appender: every line written whole and in order, a few per system call, never blocking the logger. */
@Timeout(30)
class BatchedConsoleAppenderTest {

    /** Records each write call, as the system call it would be. */
    static final class Writes extends OutputStream {
        final List<byte[]> calls = new ArrayList<>();
        final CountDownLatch blocked;

        Writes(CountDownLatch blocked) {
            this.blocked = blocked;
        }

        @Override
        public synchronized void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            try {
                blocked.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (this) {
                calls.add(Arrays.copyOfRange(b, off, off + len));
            }
        }

        synchronized String text() {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            calls.forEach(c -> all.write(c, 0, c.length));
            return all.toString(StandardCharsets.UTF_8);
        }
    }

    static BatchedConsoleAppender appender(LoggerContext context, Writes out, int queueSize) {
        context.setMDCAdapter(new LogbackMDCAdapter()); // as a configured context has
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        BatchedConsoleAppender a = new BatchedConsoleAppender();
        a.setContext(context);
        a.setName("ACCESS");
        a.setEncoder(encoder);
        a.setQueueSize(queueSize);
        a.setOutputStream(out);
        a.start();
        Logger logger = context.getLogger("linegate.access");
        logger.setAdditive(false);
        logger.addAppender(a);
        return a;
    }

    @Test
    void everyLineIsWrittenWholeAndInOrderSeveralToASystemCall() throws Exception {
        LoggerContext context = new LoggerContext();
        Writes out = new Writes(new CountDownLatch(0));
        BatchedConsoleAppender a = appender(context, out, 8192);
        Logger logger = context.getLogger("linegate.access");
        int threads = 4;
        int each = 2_000;
        List<Thread> loggers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread writer = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    logger.info("127.0.0.1 POST /webhook 200 1.234ms thread {} line {}", thread, i);
                }
            });
            writer.start();
            loggers.add(writer);
        }
        for (Thread t : loggers) {
            t.join();
        }
        a.stop();

        String[] lines = out.text().split("\n");
        assertThat(lines).hasSize(threads * each);
        Set<String> distinct = new HashSet<>(Arrays.asList(lines));
        assertThat(distinct).hasSize(threads * each);
        int[] next = new int[threads];
        for (String line : lines) {
            String[] words = line.split(" ");
            assertThat(words).hasSize(9);
            int thread = Integer.parseInt(words[6]);
            assertThat(Integer.parseInt(words[8])).as("each thread's lines in its order").isEqualTo(next[thread]++);
        }
        assertThat(out.calls).allSatisfy(call -> {
            assertThat(call.length).isLessThanOrEqualTo(BatchedConsoleAppender.MAX_WRITE);
            assertThat(call[call.length - 1]).as("a call ends at the end of a line").isEqualTo((byte) '\n');
        });
        assertThat(out.calls.size()).as("write calls for %d lines", lines.length).isLessThan(lines.length / 10);
    }

    @Test
    void aStuckOutputDropsLinesInsteadOfBlockingTheLoggerAndSaysHowMany() throws Exception {
        LoggerContext context = new LoggerContext();
        CountDownLatch stuck = new CountDownLatch(1);
        Writes out = new Writes(stuck);
        BatchedConsoleAppender a = appender(context, out, 16);
        Logger logger = context.getLogger("linegate.access");
        long started = System.nanoTime();
        for (int i = 0; i < 1_000; i++) {
            logger.info("line {}", i);
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("the logger never waited").isLessThan(5_000);
        stuck.countDown();
        a.stop();
        String text = out.text();
        assertThat(text).contains("line 0\n").contains("log lines dropped: more than 16 were waiting to be written");
        assertThat(text.split("\n").length).isLessThan(1_000);
    }
}
