package io.linegate.messaging.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.linecorp.bot.messaging.model.TextMessage;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.linegate.core.Secret;
import io.linegate.emulator.ChannelInfo;
import io.linegate.emulator.Emulator;
import io.linegate.messaging.LineApiException;
import io.linegate.messaging.MessageSender;
import io.linegate.store.Store;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The token lifecycle against the emulator, on a clock both share and the test moves. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TokenManagerTest {
    /** A clock the test moves by hand. */
    static final class TestClock extends Clock {
        volatile Instant now = Instant.parse("2026-11-24T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    @TempDir
    Path dir;
    final TestClock clock = new TestClock();
    Emulator emulator;
    ChannelInfo channel;
    final List<Store> stores = new ArrayList<>();
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    {
        logs.list = new CopyOnWriteArrayList<>(); // the emulator's threads append while a test reads
    }

    @BeforeEach
    void start() {
        emulator = Emulator.builder().port(0).clock(clock).rateLimits(false).start();
        channel = emulator.defaultChannel();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        logs.start();
    }

    @AfterEach
    void stop() {
        stores.forEach(Store::close);
        emulator.close();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        for (ILoggingEvent e : logs.list) {
            assertThat(e.getFormattedMessage()).doesNotContain(channel.channelSecret());
        }
    }

    /** A store as one process would open it. */
    Store process() {
        return storeAt(dir);
    }

    Store storeAt(Path path) {
        Store s = Store.sqlite(path);
        stores.add(s);
        return s;
    }

    Secret secret() {
        return Secret.of(channel.channelSecret(), "channel secret");
    }

    URI api() {
        return URI.create(emulator.baseUrl());
    }

    void pushWith(TokenManager tokens) throws Exception {
        MessageSender.builder(api(), tokens).build().push("U0123456789abcdef0123456789abcdef", List.of(new TextMessage("hi")));
    }

    @Test
    void aStatelessTokenIsIssuedOnceForManyThreadsAndRenewedBeforeItExpires() throws Exception {
        TokenManager tokens = TokenManager.stateless(channel.channelId(), secret()).store(process().tokens()).apiBase(api())
                .clock(clock).build();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<String>> got = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            got.add(pool.submit(() -> tokens.current().reveal()));
        }
        Set<String> distinct = new HashSet<>();
        for (Future<String> f : got) {
            distinct.add(f.get());
        }
        pool.shutdown();
        assertThat(distinct).hasSize(1);
        assertThat(tokens.live()).hasSize(1);
        pushWith(tokens);

        clock.advance(Duration.ofMinutes(14)); // within the last tenth of its 15 minutes
        String renewed = tokens.current().reveal();
        assertThat(renewed).isNotIn(distinct);
        clock.advance(Duration.ofMinutes(2)); // the first one has expired now
        pushWith(tokens); // a run that crosses an expiry keeps sending
    }

    @Test
    void aOneOffStatelessTokenSendsAndLeavesTheStoreUntouched() throws Exception {
        Store store = process();
        Secret token = TokenManager.issueStateless(api(), channel.channelId(), secret());
        assertThat(token.toString()).doesNotContain(token.reveal());
        MessageSender.builder(api(), token).build().push("U0123456789abcdef0123456789abcdef", List.of(new TextMessage("hi")));
        assertThat(store.tokens().live(channel.channelId(), "stateless", clock.instant())).isEmpty();
        assertThatThrownBy(() -> TokenManager.issueStateless(api(), channel.channelId(), Secret.of("0".repeat(32), "wrong")))
                .hasMessageContaining("answered 4").hasMessageNotContaining("0".repeat(32));
    }

    @Test
    void processesSharingAStoreShareOneToken() throws Exception {
        List<TokenManager> managers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            managers.add(TokenManager.shortLived(channel.channelId(), secret()).store(process().tokens()).apiBase(api())
                    .clock(clock).build());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<String>> got = new ArrayList<>();
        for (TokenManager m : managers) {
            got.add(pool.submit(() -> m.current().reveal()));
        }
        Set<String> distinct = new HashSet<>();
        for (Future<String> f : got) {
            distinct.add(f.get());
        }
        pool.shutdown();
        assertThat(distinct).hasSize(1);
        assertThat(managers.get(0).live()).hasSize(1);
    }

    @Test
    void aSupersededShortLivedTokenIsRevokedAfterItsGracePeriod() throws Exception {
        TokenManager tokens = TokenManager.shortLived(channel.channelId(), secret()).store(process().tokens()).apiBase(api())
                .clock(clock).revokeAfter(Duration.ofMinutes(5)).build();
        Secret first = tokens.current();
        clock.advance(Duration.ofDays(29).plusHours(1)); // inside the last day of 30
        Secret second = tokens.current();
        assertThat(second.reveal()).isNotEqualTo(first.reveal());

        MessageSender old = MessageSender.builder(api(), first).retries(1, Duration.ofMillis(1), Duration.ofMillis(1)).build();
        old.push("U0123456789abcdef0123456789abcdef", List.of(new TextMessage("old token, in grace"))); // still valid
        clock.advance(Duration.ofMinutes(6));
        tokens.maintain();
        assertThatThrownBy(() -> old.push("U0123456789abcdef0123456789abcdef", List.of(new TextMessage("revoked"))))
                .isInstanceOf(LineApiException.Unauthorized.class);
        assertThat(tokens.live()).hasSize(1);
        pushWith(tokens);
    }

    RSAKey registeredKey() throws Exception {
        RSAKey generated = new RSAKeyGenerator(2048).generate();
        String kid = emulator.registerAssertionKey(channel.channelId(), generated.toPublicJWK());
        return new RSAKey.Builder(generated).keyID(kid).build();
    }

    @Test
    void v21TokensAreIssuedByAssertionStoredWithTheirKeyIdAndWorkForSending() throws Exception {
        TokenManager tokens = TokenManager.v21(channel.channelId(), secret(), registeredKey(), Duration.ofDays(1))
                .store(process().tokens()).apiBase(api()).clock(clock).build();
        pushWith(tokens);
        assertThat(tokens.live()).singleElement().satisfies(t -> assertThat(t.keyId()).isNotBlank());
    }

    @Test
    void theV21LimitOf30IsNeverReachedEvenWithSeveralProcessesRenewingTogether() throws Exception {
        RSAKey key = registeredKey();
        List<TokenManager> processes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            processes.add(TokenManager.v21(channel.channelId(), secret(), key, Duration.ofHours(1)).store(process().tokens())
                    .apiBase(api()).clock(clock).renewBefore(Duration.ofMinutes(10)).revokeAfter(Duration.ofMinutes(1))
                    .build());
        }
        TokenEndpoints endpoints = new TokenEndpoints(api());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 40; round++) {
                List<Future<String>> got = new ArrayList<>();
                for (TokenManager p : processes) {
                    got.add(pool.submit((Callable<String>) () -> p.current().reveal()));
                }
                Set<String> distinct = new HashSet<>();
                for (Future<String> f : got) {
                    distinct.add(f.get());
                }
                assertThat(distinct).as("round %d: one token for all processes", round).hasSize(1);
                processes.get(round % 4).maintain();
                assertThat(endpoints.v21KeyIds(assertionFor(processes.get(0)))).hasSizeLessThanOrEqualTo(3);
                clock.advance(Duration.ofMinutes(51)); // past the renewal point
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void issuingIsRefusedBeforeLinesLimitWouldBeHit() throws Exception {
        RSAKey key = registeredKey();
        TokenManager elsewhere = TokenManager.v21(channel.channelId(), secret(), key, Duration.ofDays(1))
                .store(storeAt(dir.resolve("another-system")).tokens()).apiBase(api()).clock(clock).build();
        TokenEndpoints endpoints = new TokenEndpoints(api());
        for (int i = 0; i < 30; i++) {
            endpoints.v21(assertionFor(elsewhere)); // another system used the whole allowance
        }
        TokenManager tokens = TokenManager.v21(channel.channelId(), secret(), key, Duration.ofDays(1))
                .store(process().tokens()).apiBase(api()).clock(clock).build();
        assertThatThrownBy(tokens::current).isInstanceOf(TokenLimitException.class).hasMessageContaining("30");
        assertThat(endpoints.v21KeyIds(assertionFor(tokens))).hasSize(30);
    }

    @Test
    void aTokenRevokedElsewhereIsReplacedOnTheFirst401() throws Exception {
        TokenManager tokens = TokenManager.shortLived(channel.channelId(), secret()).store(process().tokens()).apiBase(api())
                .clock(clock).build();
        Secret first = tokens.current();
        new TokenEndpoints(api()).revokeShortLived(first.reveal()); // an operator revoked it in the console
        pushWith(tokens); // 401, then a fresh token, then accepted
        assertThat(tokens.current().reveal()).isNotEqualTo(first.reveal());
        assertThat(tokens.live()).hasSize(1);
    }

    @Test
    void v21StartUpForgetsStoredTokensThePlatformNoLongerHonours() throws Exception {
        RSAKey key = registeredKey();
        Store store = process();
        TokenManager before = TokenManager.v21(channel.channelId(), secret(), key, Duration.ofDays(1)).store(store.tokens())
                .apiBase(api()).clock(clock).build();
        Secret first = before.current();
        new TokenEndpoints(api()).revokeV21(channel.channelId(), channel.channelSecret(), first.reveal());
        clock.advance(Duration.ofSeconds(5)); // the restart comes later: tokens issued at that very instant are kept

        TokenManager restarted = TokenManager.v21(channel.channelId(), secret(), key, Duration.ofDays(1)).store(store.tokens())
                .apiBase(api()).clock(clock).build();
        assertThat(restarted.current().reveal()).isNotEqualTo(first.reveal());
        pushWith(restarted);
    }

    @Test
    void aLongLivedTokenIsUsedWithAWarning() throws Exception {
        TokenManager tokens = TokenManager.longLived(Secret.of(channel.accessToken(), "long-lived token"));
        pushWith(tokens);
        assertThat(logs.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("long-lived").contains("advise"));
    }

    /** The assertion a manager would send, through its own signing code. */
    private String assertionFor(TokenManager m) {
        return m.assertion(clock.instant());
    }
}
