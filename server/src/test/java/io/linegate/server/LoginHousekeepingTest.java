package io.linegate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linegate.core.Secret;
import io.linegate.store.LinkStore.LinkNonce;
import io.linegate.store.PendingLogins.PendingLogin;
import io.linegate.store.PendingLogins.Use.Refusal;
import io.linegate.store.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The server's housekeeping purges what anonymous visitors leave behind: expired logins, link nonces and link tokens. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LoginHousekeepingTest {
    static final Secret SECRET = Secret.of("0123456789abcdef0123456789abcdef", "secret");

    @TempDir
    Path dir;

    @Test
    void expiredLoginsNoncesAndLinkTokensArePurgedAndLiveOnesKept() {
        Instant now = Instant.now();
        try (Store store = Store.sqlite(dir)) {
            store.pendingLogins().savePendingLogin(new PendingLogin("expired", "s", "n", "v", "u", null,
                    now.minus(Duration.ofMinutes(20)), now.minus(Duration.ofMinutes(10))));
            store.pendingLogins().savePendingLogin(new PendingLogin("live", "s", "n", "v", "u", null, now, now.plus(Duration.ofMinutes(10))));
            store.links().saveLinkNonce(new LinkNonce("expired-nonce", "m", "t", "U1", false,
                    now.minus(Duration.ofMinutes(20)), now.minus(Duration.ofMinutes(10))));
            store.links().recordLinkToken("expired-token", "U1", now.minus(Duration.ofMinutes(20)), now.minus(Duration.ofMinutes(10)));
            store.links().recordLinkToken("live-token", "U2", now, now.plus(Duration.ofMinutes(10)));

            try (LinegateServer server = LinegateServer.builder(new RecordingBot(), SECRET).host("127.0.0.1").port(0)
                    .tls(ServerTls.insecureHttp()).store(store).build().start()) {
                // The first run is at start. An expired login still in the store answers EXPIRED, a purged one
                // NO_SUCH_LOGIN; the links are purged before the logins, so they are gone by then too.
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        store.pendingLogins().usePendingLogin("expired", "s", Instant.now()).refusal() == Refusal.NO_SUCH_LOGIN);
                assertThat(store.links().purgeExpired(Instant.now())).as("nothing left for a second purge").isZero();
            }
            assertThat(store.pendingLogins().usePendingLogin("live", "s", Instant.now()).login()).isNotNull();
            assertThat(store.links().linkTokenUser("live-token", Instant.now())).contains("U2");
        }
    }
}
