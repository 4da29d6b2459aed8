package io.linegate.server;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.linegate.console.Console;
import io.linegate.console.ConsoleRequest;
import io.linegate.console.ConsoleResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The operator console on the admin listener: each request under the console's base path is read
 * whole (at most {@link Console#MAX_BODY_BYTES}) and answered by the host-neutral {@link Console} on a
 * blocking thread (it reads the store), never on the event loop that acknowledges webhooks.
 */
final class ArmeriaConsole implements HttpService {
    private final Console console;

    ArmeriaConsole(Console console) {
        this.console = console;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        ctx.setMaxRequestLength(Console.MAX_BODY_BYTES);
        String base = console.basePath();
        String path = ctx.path().length() > base.length() ? ctx.path().substring(base.length()) : "";
        CompletableFuture<HttpResponse> answer = req.aggregate().thenApplyAsync(agg -> write(console.handle(
                request(ctx, agg, path))), ctx.blockingTaskExecutor());
        return HttpResponse.of(answer);
    }

    private static ConsoleRequest request(ServiceRequestContext ctx, AggregatedHttpRequest agg, String path) {
        Map<String, String> headers = new HashMap<>();
        for (String name : ConsoleRequest.HEADERS) {
            String v = name.equals("host") ? agg.headers().authority()
                    : name.equals("cookie") ? String.join("; ", agg.headers().getAll(name)) // HTTP/2 splits them
                    : agg.headers().get(name);
            if (v != null && !v.isEmpty()) {
                headers.put(name, v);
            }
        }
        return new ConsoleRequest(agg.method().name(), path, ctx.query(), headers,
                ctx.clientAddress().getHostAddress(), agg.content().array());
    }

    private static HttpResponse write(ConsoleResponse r) {
        ResponseHeadersBuilder h = ResponseHeaders.builder(HttpStatus.valueOf(r.status()))
                .contentType(MediaType.parse(r.contentType()));
        r.headers().forEach(h::add);
        return HttpResponse.of(h.build(), HttpData.wrap(r.body()));
    }
}
