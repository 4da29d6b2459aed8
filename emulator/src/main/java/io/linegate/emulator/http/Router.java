package io.linegate.emulator.http;

import com.linecorp.armeria.common.HttpMethod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The route table of the emulated hosts. Paths are templates such as {@code /v2/bot/profile/{userId}};
 * literal paths are looked up in a map, templates by regular expression. Each route carries what the
 * pipeline needs before the handler runs: authentication, its rate-limit row, retry-key support.
 */
public final class Router {
    /** A synchronous handler: in-memory work, run on the event loop. */
    @FunctionalInterface
    public interface Handler {
        Reply handle(Call call);
    }

    /** An asynchronous handler, for operations that wait on the network (the webhook test). */
    @FunctionalInterface
    public interface AsyncHandler {
        CompletableFuture<Reply> handle(Call call);
    }

    /** One operation. {@code template} is also the endpoint name for rate limits and faults. */
    /**
     * @param authenticator for routes authenticated otherwise than by a Messaging API channel's token
     *     (the LIFF Server API's Login channel): checks the call and returns the rate limit's subject; null if none
     * @param maxBody the largest body accepted (LINE's 2 MB, larger for file uploads)
     * @param jsonBody whether the body is JSON checked against the OpenAPI file (false for files)
     */
    public record Route(HttpMethod method, String template, boolean auth, RateLimiter.Limit limit,
            boolean retryKey, boolean control, AsyncHandler handler, long maxBody, boolean jsonBody,
            Function<Call, String> authenticator) {}

    /** LINE's request size limit ("Max request size: 2 MB"). */
    public static final long DEFAULT_MAX_BODY = 2L * 1024 * 1024;

    /** A matched route with its path parameters. */
    public record Match(Route route, Map<String, String> params) {}

    private record Templated(Pattern pattern, List<String> names, Route route) {}

    private final Map<String, Route> literal = new HashMap<>();
    private final List<Templated> templated = new ArrayList<>();
    private static final Pattern PARAM = Pattern.compile("\\{([A-Za-z0-9_]+)}");

    public void add(Route r) {
        if (!r.template().contains("{")) {
            literal.put(r.method().name() + ' ' + r.template(), r);
            literal.putIfAbsent("* " + r.template(), r);
            return;
        }
        List<String> names = new ArrayList<>();
        Matcher m = PARAM.matcher(r.template());
        StringBuilder re = new StringBuilder();
        int last = 0;
        while (m.find()) {
            re.append(Pattern.quote(r.template().substring(last, m.start()))).append("([^/]+)");
            names.add(m.group(1));
            last = m.end();
        }
        re.append(Pattern.quote(r.template().substring(last)));
        templated.add(new Templated(Pattern.compile(re.toString()), names, r));
    }

    /** The route for {@code method path}; null if the path is unknown; a route of another method if only the method is wrong. */
    public Match match(HttpMethod method, String path) {
        Route r = literal.get(method.name() + ' ' + path);
        if (r != null) {
            return new Match(r, Map.of());
        }
        Match otherMethod = null;
        Route any = literal.get("* " + path);
        if (any != null) {
            otherMethod = new Match(any, Map.of());
        }
        for (Templated t : templated) {
            Matcher m = t.pattern.matcher(path);
            if (m.matches()) {
                Map<String, String> params = new HashMap<>();
                for (int i = 0; i < t.names.size(); i++) {
                    params.put(t.names.get(i), m.group(i + 1));
                }
                Match found = new Match(t.route, params);
                if (t.route.method() == method) {
                    return found;
                }
                if (otherMethod == null) {
                    otherMethod = found;
                }
            }
        }
        return otherMethod;
    }

    /** Whether a request {@code method path} would reach a route already registered for that method. */
    public boolean serves(HttpMethod method, String path) {
        Match m = match(method, path);
        return m != null && m.route().method() == method;
    }

    public List<Route> routes() {
        List<Route> all = new ArrayList<>();
        literal.forEach((k, v) -> {
            if (!k.startsWith("* ")) {
                all.add(v);
            }
        });
        templated.forEach(t -> all.add(t.route));
        return all;
    }

    /** Fluent registration used by the API classes. */
    public RouteBuilder on(HttpMethod method, String template) {
        return new RouteBuilder(this, method, template);
    }

    public static final class RouteBuilder {
        private final Router router;
        private final HttpMethod method;
        private final String template;
        private boolean auth = true;
        private boolean retryKey;
        private boolean control;
        private RateLimiter.Limit limit = RateLimiter.Limit.DEFAULT;
        private long maxBody = DEFAULT_MAX_BODY;
        private boolean jsonBody = true;
        private Function<Call, String> authenticator;

        RouteBuilder(Router router, HttpMethod method, String template) {
            this.router = router;
            this.method = method;
            this.template = template;
        }

        public RouteBuilder noAuth() {
            this.auth = false;
            return this;
        }

        public RouteBuilder retryKey() {
            this.retryKey = true;
            return this;
        }

        public RouteBuilder control() {
            this.control = true;
            this.auth = false;
            this.limit = RateLimiter.Limit.NONE;
            return this;
        }

        public RouteBuilder limit(RateLimiter.Limit limit) {
            this.limit = limit;
            return this;
        }

        /**
         * Authenticated by {@code authenticator} instead of a Messaging API channel's token, before
         * rate limits and the request check: it throws the 401, or returns the rate limit's subject.
         */
        public RouteBuilder authenticatedBy(Function<Call, String> authenticator) {
            this.auth = false;
            this.authenticator = authenticator;
            return this;
        }

        /** A file upload (multipart): bodies up to {@code maxBody}, not checked as JSON. */
        public RouteBuilder upload(long maxBody) {
            this.maxBody = maxBody;
            this.jsonBody = false;
            return this;
        }

        public void to(Handler h) {
            router.add(new Route(method, template, auth, limit, retryKey, control,
                    c -> CompletableFuture.completedFuture(h.handle(c)), maxBody, jsonBody, authenticator));
        }

        public void toAsync(AsyncHandler h) {
            router.add(new Route(method, template, auth, limit, retryKey, control, h, maxBody, jsonBody, authenticator));
        }
    }
}
