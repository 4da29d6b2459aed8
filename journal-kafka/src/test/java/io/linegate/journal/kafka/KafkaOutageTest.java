package io.linegate.journal.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.linegate.core.Secret;
import io.linegate.core.WebhookSignature;
import io.linegate.store.Store;
import io.linegate.store.StoreUnavailableException;
import io.linegate.store.WriteFailures;
import io.linegate.webhook.WebhookReceiver;
import io.linegate.webhook.Webhooks;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.server.BrokerServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The acknowledgement path while the broker is away: 503 at once, never a late 200, and back by itself. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaOutageTest {
    private static final Secret SECRET = Secret.of("0123456789abcdef0123456789abcdef", "channel secret");
    private static Brokers brokers;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        brokers = Brokers.start(1);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        brokers.close();
    }

    private static CompletableFuture<WebhookReceiver.Receipt> receive(WebhookReceiver receiver, int n) {
        byte[] body = Webhooks.body(Webhooks.text(Webhooks.user(n % 5), String.valueOf(n)));
        return receiver.receive(body, WebhookSignature.sign(SECRET, body));
    }

    /**
     * Either way the front answers 503 without logging the webhook as a storage error: the acknowledgement
     * deadline passed, or Kafka said at once that it cannot take records now (which one depends on whether the
     * producer still had the topic's metadata when the broker went).
     */
    private static boolean refusedFor503(Throwable cause) {
        return cause instanceof WebhookReceiver.OverloadedException
                || cause instanceof StoreUnavailableException && WriteFailures.cannotWrite(cause) != null;
    }

    @Test
    void whileTheBrokerIsDownWebhooksAreAnswered503AtOnceAndAcknowledgedAgainOnceItIsBack() throws Exception {
        KafkaLocation where = brokers.topic("outage", 2);
        try (Store database = Store.sqlite(dir);
             KafkaJournal kafka = KafkaJournal.builder(where, database).nodeId("a").start()) {
            WebhookReceiver receiver = new WebhookReceiver(WebhookSignature.of(SECRET), kafka.store().journal(), () -> { },
                    Clock.systemUTC()).ackDeadline(Duration.ofMillis(500), new SimpleMeterRegistry());
            assertThat(receive(receiver, 0).get(20, TimeUnit.SECONDS).accepted()).isTrue();

            BrokerServer broker = brokers.kit().brokers().values().iterator().next();
            broker.shutdown();

            long started = System.nanoTime();
            assertThatThrownBy(() -> receive(receiver, 1).get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .satisfies(e -> assertThat(refusedFor503(e.getCause())).as("answered 503: %s", e.getCause()).isTrue());
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the deadline, not the broker's timeouts")
                    .isLessThan(Duration.ofSeconds(2));
            // The next ones are refused without waiting: while the earlier one is still in flight (the producer still
            // knew the topic's partitions and holds the record), or because the producer no longer knows them.
            CompletableFuture<WebhookReceiver.Receipt> shed = receive(receiver, 2);
            assertThat(shed).isCompletedExceptionally();
            assertThatThrownBy(shed::join).satisfies(e -> assertThat(refusedFor503(e.getCause())).isTrue());

            broker.startup();
            int[] n = {3};
            await().atMost(90, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(250)).until(() -> {
                try {
                    return receive(receiver, n[0]++).get(10, TimeUnit.SECONDS).accepted();
                } catch (ExecutionException refused) {
                    return false;
                }
            });
        }
    }
}
