package io.linegate.messaging;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * What the sending stack knows of LINE, per endpoint (its method and path with ids taken out, such as
 * {@code POST /v2/bot/message/push}): the limit LINE sets on it (Messaging API reference, "Rate
 * limits") and every attempt's answer by class, as LINE gave it (each try of a retried send counts).
 * Kept in plain adders created once per endpoint, so that counting an attempt allocates nothing; a host
 * binds them to its meter registry ({@code linegate.line.requests}, {@code linegate.line.rate.limit}),
 * and hears of each endpoint the first time it is used.
 */
public final class LineFigures {
    /** The classes answers are counted by, in {@link Endpoint#answers} order. */
    public static final List<String> CLASSES = List.of("2xx", "429", "4xx", "5xx", "none", "other");
    static final int OK = 0;
    static final int TOO_MANY = 1;
    static final int CLIENT = 2;
    static final int SERVER = 3;
    static final int NO_ANSWER = 4;
    static final int OTHER = 5;

    private final List<Endpoint> endpoints = new CopyOnWriteArrayList<>();
    private final List<Consumer<Endpoint>> listeners = new CopyOnWriteArrayList<>();

    LineFigures() {}

    /** One endpoint: its limit and its answers so far. */
    public static final class Endpoint {
        private final String name;
        private final String limit;
        private final double limitPerSecond;
        private final LongAdder[] answers = new LongAdder[CLASSES.size()];

        Endpoint(String name, String limit, double limitPerSecond) {
            this.name = name;
            this.limit = limit;
            this.limitPerSecond = limitPerSecond;
            for (int i = 0; i < answers.length; i++) {
                answers[i] = new LongAdder();
            }
        }

        /** Such as {@code POST /v2/bot/message/push}. */
        public String name() {
            return name;
        }

        /** LINE's limit as its table says it, such as {@code 2000/second} or {@code 60/hour}. */
        public String limit() {
            return limit;
        }

        /** The limit this process keeps to, in requests per second (LINE's, times the configured scale). */
        public double limitPerSecond() {
            return limitPerSecond;
        }

        /** Attempts answered so far in {@code answerClass} (one of {@link #CLASSES}). */
        public long answers(String answerClass) {
            int i = CLASSES.indexOf(answerClass);
            if (i < 0) {
                throw new IllegalArgumentException("no answer class " + answerClass + "; one of " + CLASSES);
            }
            return answers[i].sum();
        }

        void answered(int status) {
            answers[classOf(status)].increment();
        }
    }

    static int classOf(int status) {
        if (status == 429) {
            return TOO_MANY;
        }
        if (status >= 200 && status < 300) {
            return OK;
        }
        if (status >= 400 && status < 500) {
            return CLIENT;
        }
        if (status >= 500 && status < 600) {
            return SERVER;
        }
        return status <= 0 ? NO_ANSWER : OTHER;
    }

    Endpoint add(String name, String limit, double limitPerSecond) {
        Endpoint e = new Endpoint(name, limit, limitPerSecond);
        endpoints.add(e);
        listeners.forEach(l -> l.accept(e));
        return e;
    }

    /** The endpoints used so far. */
    public List<Endpoint> endpoints() {
        return List.copyOf(endpoints);
    }

    /** Calls {@code listener} for every endpoint used so far and, from now on, for each one used for the first time. */
    public synchronized void forEachEndpoint(Consumer<Endpoint> listener) {
        listeners.add(listener);
        endpoints.forEach(listener);
    }
}
