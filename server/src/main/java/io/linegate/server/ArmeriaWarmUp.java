package io.linegate.server;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.Endpoint;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import com.linecorp.armeria.common.SessionProtocol;
import io.linegate.runtime.WarmUp;
import io.netty.util.AttributeKey;
import java.net.URI;
import java.util.List;

/**
 * The runtime's {@link WarmUp} through the node's own Armeria listener, with Armeria's client over
 * both protocols LINE may use: a plain client would speak HTTP/2 only (its preface), and the HTTP/1.1
 * decoding that LINE's webhooks take would meet the burst cold.
 */
final class ArmeriaWarmUp {
    /** Marks a warm-up request, which the access log and the request meters leave out. */
    static final AttributeKey<Boolean> REQUEST = AttributeKey.valueOf(ArmeriaWarmUp.class, "REQUEST");

    private ArmeriaWarmUp() {}

    static WarmUp.Result run(WarmUp.Settings settings, URI base, String webhookPath, WarmUp.Route route) {
        try (ClientFactory factory = ClientFactory.builder().tlsNoVerify().build()) {
            boolean tls = "https".equalsIgnoreCase(base.getScheme());
            List<WarmUp.Client> clients = List.of(client(factory, base, tls ? SessionProtocol.H1 : SessionProtocol.H1C),
                    client(factory, base, tls ? SessionProtocol.H2 : SessionProtocol.H2C));
            return WarmUp.run(settings, clients, webhookPath, route);
        }
    }

    private static WarmUp.Client client(ClientFactory factory, URI base, SessionProtocol protocol) {
        WebClient web = WebClient.builder(protocol, Endpoint.of(base.getHost(), base.getPort()))
                .factory(factory).responseTimeoutMillis(10_000).build();
        return (path, headers, body) -> {
            RequestHeadersBuilder h = RequestHeaders.builder(HttpMethod.POST, path);
            headers.forEach(h::add);
            return web.execute(HttpRequest.of(h.build(), HttpData.wrap(body))).aggregate()
                    .thenApply(r -> r.status().code());
        };
    }
}
