package io.linegate.bench.sending;

import io.linegate.bench.Args;

import com.linecorp.bot.messaging.model.TextMessage;
import io.linegate.core.Secret;
import io.linegate.messaging.MessageSender;
import io.linegate.messaging.campaign.Campaigns;
import io.linegate.messaging.token.TokenManager;
import io.linegate.store.CampaignStore.Campaign;
import io.linegate.store.Store;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The campaign's own processes, as {@code linegate campaign start} and {@code linegate campaign run} do it
 * (same classes, same settings), so that the benchmark needs only the bench jar:
 * <ul>
 *   <li>{@code campaign-start --data-dir --recipients FILE --rate R --text T}: creates the campaign;</li>
 *   <li>{@code campaign-run --data-dir --api-base URL --rate-limit-scale S} with the channel access token in
 *       {@code LINE_CHANNEL_ACCESS_TOKEN}: sends due batches until none is left (the process the driver kills).</li>
 * </ul>
 * With {@code RUNNER=cli}, bench/sending.sh runs the real CLI commands instead.
 */
final class CampaignRunner {
    private CampaignRunner() {
    }

    static int start(Args o) throws Exception {
        Path dataDir = Path.of(o.str("data-dir", null));
        List<String> recipients = Files.readAllLines(Path.of(o.str("recipients", null))).stream()
                .filter(l -> !l.isBlank()).toList();
        try (Store store = Store.sqlite(dataDir)) {
            long id = new Campaigns(store.campaigns(), null, Clock.systemUTC()).start(o.str("name", "bench"),
                    List.of(new TextMessage(o.str("text", "Sale!"))), recipients, o.dbl("rate", 500), Instant.now());
            System.out.println("campaign " + id + " created");
        }
        return 0;
    }

    static int run(Args o) throws Exception {
        Path dataDir = Path.of(o.str("data-dir", null));
        String token = System.getenv("LINE_CHANNEL_ACCESS_TOKEN");
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("LINE_CHANNEL_ACCESS_TOKEN is required");
        }
        try (Store store = Store.sqlite(dataDir)) {
            MessageSender sender = MessageSender.builder(URI.create(o.str("api-base", null)),
                            TokenManager.longLived(Secret.of(token, "channel access token")))
                    .requestLog(store.apiRequests(), "off").rateLimitScale(o.dbl("rate-limit-scale", 1)).build();
            new Campaigns(store.campaigns(), sender, Clock.systemUTC()).runUntilIdle();
            for (Campaign c : store.campaigns().campaigns()) {
                System.out.printf("campaign %d %s %s: batches %d/%d sent (%d failed), recipients %d/%d%n", c.id(), c.name(),
                        c.state(), c.sentBatches(), c.batches(), c.failedBatches(), c.sentRecipients(), c.recipients());
            }
        }
        return 0;
    }
}
