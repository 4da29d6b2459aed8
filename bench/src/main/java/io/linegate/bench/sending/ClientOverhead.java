package io.linegate.bench.sending;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.Server;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.messaging.model.PushMessageRequest;
import com.linecorp.bot.messaging.model.PushMessageResponse;
import com.linecorp.bot.messaging.model.TextMessage;
import io.linegate.core.Secret;
import io.linegate.messaging.MessageSender;
import io.linegate.messaging.SendResult;
import io.linegate.store.Store;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Benchmark 3 of issue 4: what linegate's sending path costs per request on top of the official SDK.
 * Both push the same one-text message with a fresh retry key to the same trivial loopback Armeria server,
 * which answers 200 {@code {"sentMessages":[...]}} at once:
 * <ul>
 *   <li>{@code bare}: the SDK's {@link MessagingApiClient} as its README builds it, with the wire logger off
 *       (on by default, it writes every request and response to the log);</li>
 *   <li>{@code linegate}: {@link MessageSender} as {@code linegate serve} builds it: request limits checked,
 *       the rate-limit interceptor (scaled up so that it never waits: its cost, not LINE's pace, is measured),
 *       the API request log interceptor writing every attempt to SQLite (WAL, group commit), result mapping;</li>
 *   <li>{@code linegateNoLog}: the same without the request log, to separate its cost.</li>
 * </ul>
 * Run with {@code java -cp linegate-bench.jar org.openjdk.jmh.Main ClientOverhead} (bench/sending.sh jmh).
 * Use at most 4 threads: the bare SDK client allows 5 requests in flight per host.
 *
 * <p>Besides JMH's wall-clock scores, every measurement iteration prints a line
 * {@code cpu_us_per_op <benchmark> <value>}: the CPU time the whole benchmark JVM (client, server, SQLite
 * writer) used per push. On a machine shared with other work that figure moves much less than the
 * wall-clock ones, and as the server is the same for all three its differences are the client's cost.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class ClientOverhead {
    static final String TO = "U0123456789abcdef0123456789abcdef";
    static final List<Message> MESSAGES = List.of(new TextMessage("Hello, this is a benchmark."));
    private static final String ANSWER = "{\"sentMessages\":[{\"id\":\"461230966842064897\",\"quoteToken\":\"IStG5h1Tz7b\"}]}";

    private Server server;
    private Path dir;
    private Store store;
    private MessagingApiClient bare;
    private MessageSender linegate;
    private MessageSender linegateNoLog;
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong ops = new AtomicLong();
    private long cpuAtStart;
    private long opsAtStart;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        server = Server.builder().http(new java.net.InetSocketAddress("127.0.0.1", 0))
                .service("/v2/bot/message/push", (ctx, req) -> HttpResponse.of(req.aggregate().thenApply(agg -> {
                    served.incrementAndGet();
                    return HttpResponse.of(ResponseHeaders.builder(HttpStatus.OK).contentType(MediaType.JSON_UTF_8)
                            .add("x-line-request-id", "00000000-0000-0000-0000-000000000000").build(),
                            com.linecorp.armeria.common.HttpData.ofUtf8(ANSWER));
                })))
                .build();
        server.start().join();
        URI api = URI.create("http://127.0.0.1:" + server.activeLocalPort());
        String token = "bench-token";
        // The SDK's default builder also logs every request and response, bodies included, at INFO
        // ("com.linecorp.bot.client.wire"); linegate turns that off, so the bare client does too.
        bare = MessagingApiClient.builder(token).apiEndPoint(api).usingDefaultLogger(false).build();
        dir = Files.createTempDirectory("linegate-jmh");
        store = Store.sqlite(dir);
        Secret secret = Secret.of(token, "channel access token");
        linegate = MessageSender.builder(api, secret).requestLog(store.apiRequests(), "off").rateLimitScale(1_000).build();
        linegateNoLog = MessageSender.builder(api, secret).rateLimitScale(1_000).build();
    }

    @Setup(Level.Iteration)
    public void iterationStart() {
        cpuAtStart = processCpuNanos();
        opsAtStart = ops.get();
    }

    @TearDown(Level.Iteration)
    public void iterationEnd(BenchmarkParams benchmark, IterationParams iteration) {
        long n = ops.get() - opsAtStart;
        if (iteration.getType() == IterationType.MEASUREMENT && n > 0) {
            String name = benchmark.getBenchmark().substring(benchmark.getBenchmark().lastIndexOf('.') + 1);
            System.out.printf(java.util.Locale.ROOT, "%ncpu_us_per_op %s %.2f%n", name, (processCpuNanos() - cpuAtStart) / 1e3 / n);
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
        server.stop().join();
        PushAtLimit.deleteTree(dir);
    }

    @Benchmark
    public PushMessageResponse bare() throws Exception {
        ops.incrementAndGet();
        PushMessageRequest request = new PushMessageRequest.Builder(TO, MESSAGES).build();
        return bare.pushMessage(UUID.randomUUID(), request).get().body();
    }

    @Benchmark
    public SendResult linegate() throws Exception {
        ops.incrementAndGet();
        return linegate.push(TO, MESSAGES);
    }

    @Benchmark
    public SendResult linegateNoLog() throws Exception {
        ops.incrementAndGet();
        return linegateNoLog.push(TO, MESSAGES);
    }
}
