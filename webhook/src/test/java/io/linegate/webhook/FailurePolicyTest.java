package io.linegate.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.linegate.core.Retryable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The standard policy's table; the end-to-end cases against the emulator are in the server's tests. */
class FailurePolicyTest {
    final FailurePolicy policy = FailurePolicy.standard();

    /** A failure that knows, as LINE's typed errors do. */
    static final class Knows extends Exception implements Retryable {
        final boolean can;

        Knows(boolean can) {
            super(can ? "HTTP 503" : "HTTP 400");
            this.can = can;
        }

        @Override
        public boolean retryCanSucceed() {
            return can;
        }
    }

    boolean retried(Throwable t) {
        return policy.decide(t).retry();
    }

    @Test
    void aFailureThatKnowsDecides() {
        assertThat(retried(new Knows(true))).isTrue();
        assertThat(retried(new Knows(false))).isFalse();
        assertThat(retried(new NotRetryableException("no"))).isFalse();
    }

    @Test
    void wrappedFailuresAreJudgedByTheirFirstDecidingCause() {
        assertThat(retried(new RuntimeException(new Knows(false)))).isFalse();
        assertThat(retried(new CompletionException(new RuntimeException("wrapper", new Knows(true))))).isTrue();
        assertThat(retried(new IllegalStateException("wrapped bug", new NullPointerException()))).isFalse();
        assertThat(retried(new UncheckedIOException(new IOException("reset", new NullPointerException())))).isTrue();
    }

    @Test
    void networkFailuresAndUnknownExceptionsAreRetried() {
        assertThat(retried(new ConnectException("refused"))).isTrue();
        assertThat(retried(new UncheckedIOException(new IOException("timeout")))).isTrue();
        assertThat(retried(new IllegalStateException("downstream is down"))).isTrue();
        assertThat(retried(new Exception("who knows"))).isTrue();
        assertThat(retried(new OutOfMemoryError())).isTrue();
        assertThat(retried(new StackOverflowError())).isTrue();
    }

    @Test
    void programmingErrorsAreNotRetried() {
        assertThat(retried(new NullPointerException())).isFalse();
        assertThat(retried(new ClassCastException())).isFalse();
        assertThat(retried(new ArrayIndexOutOfBoundsException(3))).isFalse();
        assertThat(retried(new ArithmeticException("/ by zero"))).isFalse();
        assertThat(retried(new AssertionError("unreachable"))).isFalse();
        assertThat(retried(new NoClassDefFoundError("com/example/Missing"))).isFalse();
        assertThat(policy.decide(new NullPointerException()).reason()).contains("NullPointerException")
                .contains("replay");
    }

    @Test
    void aCyclicCauseChainEnds() {
        Exception a = new Exception("a");
        Exception b = new Exception("b", a);
        a.initCause(b);
        assertThat(retried(a)).isTrue();
    }
}
