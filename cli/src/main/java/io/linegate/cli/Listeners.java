package io.linegate.cli;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A command's listeners by the option that sets each port, so that a listener that could not bind is
 * said in the options' terms ("port 8081 (--bot-port) is already in use") instead of as the socket
 * library's "bind(..) failed with error(-98)". Explain a failure after closing what the command started:
 * each port is then probed, and only another process can still hold it.
 */
final class Listeners {
    private final Map<String, InetSocketAddress> byOption = new LinkedHashMap<>();

    /** The listener whose port {@code option} sets, on {@code host}; port 0 (any free port) cannot be taken. */
    Listeners add(String option, String host, int port) {
        byOption.put(option, new InetSocketAddress(host, port));
        return this;
    }

    /**
     * {@code e} said in the options' terms when a listener could not bind (an {@link IllegalArgumentException}
     * naming each port in use and its option), else {@code e} itself.
     */
    RuntimeException explain(RuntimeException e) {
        Throwable cause = bindFailure(e);
        if (cause == null) {
            return e;
        }
        List<String> taken = new ArrayList<>();
        byOption.forEach((option, address) -> {
            if (address.getPort() != 0 && !free(address)) {
                taken.add("port " + address.getPort() + " (" + option + ") is already in use on "
                        + address.getHostString() + ": another process listens there; stop it, or choose another port"
                        + " with " + option);
            }
        });
        if (!taken.isEmpty()) {
            return new IllegalArgumentException(String.join("; ", taken), e);
        }
        List<String> all = new ArrayList<>();
        byOption.forEach((option, address) -> all.add(address.getHostString() + ":" + address.getPort() + " (" + option + ")"));
        return new IllegalArgumentException("cannot listen on " + String.join(", ", all) + ": " + cause.getMessage()
                + "; check the addresses and ports", e);
    }

    /** The failure to bind a socket in {@code e}'s causes, or null. Netty's native transport throws a plain IOException. */
    static Throwable bindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t instanceof BindException || message.contains("Address already in use") || message.contains("bind(")
                    || message.contains("Cannot assign requested address")) {
                return t;
            }
        }
        return null;
    }

    private static boolean free(InetSocketAddress address) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(address);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
