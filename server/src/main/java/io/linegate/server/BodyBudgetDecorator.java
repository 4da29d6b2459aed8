package io.linegate.server;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.linegate.core.RateLimitedLog;
import io.linegate.runtime.BodyBudget;

/**
 * The runtime's {@link BodyBudget} in front of the Armeria services: a request that declares its
 * length reserves it as its headers arrive, one without a length reserves as its data arrives, and
 * what it held is given back when its exchange ends (answered, timed out or reset). A request the
 * budget cannot cover is answered {@code 503} before its body is read.
 */
final class BodyBudgetDecorator implements DecoratingHttpServiceFunction {
    /** A body went over what the budget could give it while arriving. */
    static final class Exhausted extends RuntimeException {
        Exhausted() {
            super("the server's budget of request bodies in memory is spent", null, false, false);
        }
    }

    private final BodyBudget budget;
    private final RateLimitedLog clientErrors;

    BodyBudgetDecorator(BodyBudget budget, RateLimitedLog clientErrors) {
        this.budget = budget;
        this.clientErrors = clientErrors;
    }

    BodyBudget budget() {
        return budget;
    }

    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        if (req.isEmpty()) {
            return delegate.serve(ctx, req);
        }
        BodyBudget.Reservation reservation = budget.open(req.headers().contentLength());
        if (reservation == null) {
            clientErrors.warn("{} {} {} from {}: {} bytes of request bodies are in memory, the budget is {}; answered 503",
                    ctx.id().text(), ctx.method(), ctx.path(), ctx.clientAddress().getHostAddress(), budget.inUse(),
                    budget.capacity());
            return JsonErrors.overloaded();
        }
        ctx.log().whenComplete().whenComplete((log, e) -> reservation.close());
        HttpRequest counted = req.mapData(data -> {
            if (!reservation.arrived(data.length())) {
                data.close();
                throw new Exhausted();
            }
            return data;
        });
        return delegate.serve(ctx, counted);
    }
}
