package io.linegate.server;

import com.linecorp.armeria.common.ClosedSessionException;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.stream.AbortedStreamException;
import com.linecorp.armeria.common.stream.CancelledSubscriptionException;
import com.linecorp.armeria.common.stream.ClosedStreamException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;

/**
 * A client that went away before its answer: its HTTP/2 stream reset or closed, its connection closed
 * or reset. Nothing failed on the server's side and nobody is left to answer, so it is counted apart
 * ({@link #STATUS}, nginx's "client closed request") and said in one rate-limited line, never as an
 * error with a stack trace. A request timeout is not one: the server answers it (408).
 */
final class ClientAbort {
    /** What the access log and the webhook meters record for a request its client abandoned. */
    static final HttpStatus STATUS = HttpStatus.valueOf(499);

    private ClientAbort() {
    }

    /** Whether {@code error} (or a cause of it) says that the client went away. */
    static boolean is(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ClosedSessionException || t instanceof ClosedStreamException
                    || t instanceof AbortedStreamException || t instanceof CancelledSubscriptionException
                    || t instanceof ClosedChannelException) {
                return true;
            }
            if (t instanceof IOException && t.getMessage() != null
                    && (t.getMessage().contains("Connection reset") || t.getMessage().contains("Broken pipe"))) {
                return true; // Netty's native transport: the peer reset the connection
            }
        }
        return false;
    }

    /** The exception's simple name, for the one line: its message is Armeria's, not the client's. */
    static String name(Throwable error) {
        return error.getClass().getSimpleName();
    }
}
