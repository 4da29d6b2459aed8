package io.linegate.spring;

import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.messaging.model.ReplyMessageRequest;
import com.linecorp.bot.webhook.model.Event;
import com.linecorp.bot.webhook.model.MessageContent;
import com.linecorp.bot.webhook.model.MessageEvent;
import io.linegate.webhook.EventContext;
import io.linegate.webhook.EventRouter;
import io.linegate.webhook.NotRetryableException;
import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The {@link EventMapping} methods of some beans, compiled into linegate's {@link EventRouter}: each
 * method is a route of its priority whose matcher is its parameters (all must accept the event), tried
 * in the official starter's order (priority, then the beans' order); what the method returns is the
 * reply. Methods are checked when the application starts, so a parameter or return type that cannot
 * work fails the start with the method's name, not the first event.
 */
final class HandlerMethods {
    private static final Logger log = LoggerFactory.getLogger(HandlerMethods.class);

    /** One parameter: whether it accepts an event, and its value for one. */
    private interface Argument {
        boolean accepts(EventContext ctx);

        Object value(EventContext ctx);

        int priority();
    }

    private record Mapping(Object bean, Method method, List<Argument> arguments, int priority) {
        boolean accepts(EventContext ctx) {
            for (Argument a : arguments) {
                if (!a.accepts(ctx)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return method.toGenericString();
        }
    }

    /** What else a method's run is given besides the current event (the webhook's request, say); closed after it. */
    @FunctionalInterface
    interface RunScope {
        RunScope NONE = (channel, ctx) -> () -> { };

        CurrentEvent.Scope enter(String channel, EventContext ctx);
    }

    private final String channel;
    private final List<Mapping> mappings;
    private final Supplier<MessagingApiClient> replies;
    private final RunScope scope;
    private final Set<String> unmapped = ConcurrentHashMap.newKeySet();

    private HandlerMethods(String channel, List<Mapping> mappings, Supplier<MessagingApiClient> replies, RunScope scope) {
        this.channel = channel;
        this.mappings = mappings;
        this.replies = replies;
        this.scope = scope;
    }

    /** The mappings of {@code beans} for {@code channel}, highest priority first (in the beans' order among equals). */
    static HandlerMethods of(String channel, Collection<?> beans) {
        return of(channel, beans, () -> null, RunScope.NONE);
    }

    /**
     * As {@link #of(String, Collection)}, replying to returned messages through {@code replies} (the
     * application's {@code MessagingApiClient} bean; null: the event's own client), each run inside
     * {@code scope}.
     */
    static HandlerMethods of(String channel, Collection<?> beans, Supplier<MessagingApiClient> replies, RunScope scope) {
        List<Mapping> mappings = new ArrayList<>();
        for (Object bean : beans) {
            Class<?> type = ClassUtils.getUserClass(bean);
            for (Method method : ReflectionUtils.getUniqueDeclaredMethods(type, ReflectionUtils.USER_DECLARED_METHODS)) {
                EventMapping mapping = AnnotatedElementUtils.findMergedAnnotation(method, EventMapping.class);
                if (mapping != null) {
                    mappings.add(mapping(bean, method, mapping));
                }
            }
        }
        mappings.sort(Comparator.comparingInt(Mapping::priority).reversed());
        return new HandlerMethods(channel, List.copyOf(mappings), replies, scope);
    }

    int size() {
        return mappings.size();
    }

    List<String> describe() {
        return mappings.stream().map(m -> m.priority() + " " + m).toList();
    }

    private static Mapping mapping(Object bean, Method method, EventMapping annotation) {
        if (Modifier.isStatic(method.getModifiers())) {
            throw invalid(method, "is static");
        }
        Class<?> returns = method.getReturnType();
        if (returns != void.class && returns != Object.class && !Message.class.isAssignableFrom(returns)
                && !Collection.class.isAssignableFrom(returns) && !CompletionStage.class.isAssignableFrom(returns)) {
            throw invalid(method, "returns " + returns.getName() + "; return void, a Message, a list of messages"
                    + " or a CompletableFuture of one of them (the reply)");
        }
        Type[] types = method.getGenericParameterTypes();
        Annotation[][] annotations = method.getParameterAnnotations();
        List<Argument> arguments = new ArrayList<>();
        int sum = 0;
        for (int i = 0; i < types.length; i++) {
            Argument a = argument(method, types[i], annotations[i]);
            arguments.add(a);
            sum += a.priority();
        }
        if (arguments.isEmpty()) {
            throw invalid(method, "takes no parameter; take the event, its message content or the EventContext");
        }
        ReflectionUtils.makeAccessible(method);
        return new Mapping(bean, method, List.copyOf(arguments),
                annotation.priority() != EventMapping.DEFAULT_PRIORITY_VALUE ? annotation.priority() : sum);
    }

    private static Argument argument(Method method, Type type, Annotation[] annotations) {
        for (Annotation a : annotations) {
            if (a instanceof LineBotDestination) {
                if (type != String.class) {
                    throw invalid(method, "has a @LineBotDestination parameter of type " + type.getTypeName() + "; it must be a String");
                }
                return new Argument() {
                    public boolean accepts(EventContext ctx) { return true; }
                    public Object value(EventContext ctx) { return ctx.destination(); }
                    public int priority() { return EventMapping.DEFAULT_PRIORITY_FOR_STRING; }
                };
            }
        }
        if (type instanceof ParameterizedType) {
            throw invalid(method, "has a parameter of the generic type " + type.getTypeName()
                    + "; the SDK's events are not generic: take the event or the message content class");
        }
        if (!(type instanceof Class<?> c)) {
            throw invalid(method, "has a parameter of type " + type.getTypeName() + ", which cannot be given");
        }
        int priority = c == Event.class ? EventMapping.DEFAULT_PRIORITY_FOR_EVENT_IFACE
                : c.isInterface() ? EventMapping.DEFAULT_PRIORITY_FOR_IFACE : EventMapping.DEFAULT_PRIORITY_FOR_CLASS;
        if (c == EventContext.class) {
            return new Argument() {
                public boolean accepts(EventContext ctx) { return true; }
                public Object value(EventContext ctx) { return ctx; }
                public int priority() { return 0; }
            };
        }
        if (Event.class.isAssignableFrom(c)) {
            return new Argument() {
                public boolean accepts(EventContext ctx) { return c.isInstance(ctx.event()); }
                public Object value(EventContext ctx) { return ctx.event(); }
                public int priority() { return priority; }
            };
        }
        if (MessageContent.class.isAssignableFrom(c)) {
            return new Argument() {
                public boolean accepts(EventContext ctx) {
                    return ctx.event() instanceof MessageEvent m && c.isInstance(m.message());
                }
                public Object value(EventContext ctx) { return ((MessageEvent) ctx.event()).message(); }
                public int priority() { return priority; }
            };
        }
        throw invalid(method, "has a parameter of type " + c.getName() + "; take an event type, a message content type,"
                + " a @LineBotDestination String or the EventContext");
    }

    private static IllegalStateException invalid(Method method, String what) {
        return new InvalidLinegateConfiguration(null, "@EventMapping method " + method.toGenericString() + " " + what);
    }

    /** The methods as routes of one router; an event no method takes is marked handled, said once per type. */
    EventRouter router() {
        EventRouter.Builder router = EventRouter.builder();
        for (Mapping m : mappings) {
            router.route(m.priority(), ctx -> m.accepts(ctx) ? ctx : null, (ctx, matched) -> invoke(m, ctx));
        }
        return router.fallback(ctx -> {
            String type = ctx.event().getClass().getSimpleName();
            if (unmapped.add(type)) {
                log.info("no @EventMapping method takes a {}; such events are marked handled (said once per type)", type);
            }
        }).build();
    }

    private void invoke(Mapping mapping, EventContext ctx) throws Exception {
        Object[] args = new Object[mapping.arguments().size()];
        for (int i = 0; i < args.length; i++) {
            args[i] = mapping.arguments().get(i).value(ctx);
        }
        Object result;
        try (CurrentEvent.Scope ignored = CurrentEvent.enter(channel, ctx);
             CurrentEvent.Scope around = scope.enter(channel, ctx)) {
            try {
                result = mapping.method().invoke(mapping.bean(), args);
            } catch (InvocationTargetException e) {
                throw rethrow(e.getCause());
            }
            if (result instanceof CompletionStage<?> future) {
                try {
                    result = future.toCompletableFuture().get();
                } catch (ExecutionException e) {
                    throw rethrow(e.getCause());
                }
            }
            reply(ctx, mapping, result);
        }
    }

    private void reply(EventContext ctx, Mapping mapping, Object result) throws Exception {
        if (result == null) {
            return;
        }
        if (result instanceof Message m) {
            send(ctx, List.of(m));
            return;
        }
        if (result instanceof Collection<?> list) {
            if (list.isEmpty()) {
                return;
            }
            List<Message> messages = new ArrayList<>(list.size());
            for (Object o : list) {
                if (!(o instanceof Message m)) {
                    throw new NotRetryableException(mapping + " returned a list holding "
                            + (o == null ? "null" : "a " + o.getClass().getName()) + "; a reply is a list of messages");
                }
                messages.add(m);
            }
            send(ctx, messages);
            return;
        }
        throw new NotRetryableException(mapping + " returned a " + result.getClass().getName()
                + "; return a Message, a list of them or a CompletableFuture of one");
    }

    /**
     * A returned reply, as the official starter sends it: through the application's {@code
     * MessagingApiClient} bean (a mocked bean in a test sees it), which inside this run is the event's
     * client (the reply is recorded, so a retried method does not reply twice). Without a bean or a reply
     * token, through the event's own client.
     */
    private void send(EventContext ctx, List<Message> messages) throws Exception {
        MessagingApiClient api = replies.get();
        java.util.Optional<String> token = ctx.replyToken();
        if (api == null || token.isEmpty()) {
            ctx.reply(messages);
            return;
        }
        CompletableFuture<?> sent = api.replyMessage(new ReplyMessageRequest.Builder(token.get(), messages).build());
        if (sent != null) { // a mock that was not told what to answer answers null
            try {
                sent.get();
            } catch (ExecutionException e) {
                throw rethrow(e.getCause());
            }
        }
    }

    private static Exception rethrow(Throwable cause) {
        if (cause instanceof Error e) {
            throw e;
        }
        return (Exception) cause;
    }
}
