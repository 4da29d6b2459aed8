package io.linegate.login;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which address a request came from, for the per-client limits. Without trusted proxies it is the
 * peer's address. Behind a reverse proxy every request's peer is the proxy, so that one client over
 * its limit would hold up everyone: list the proxies ({@code 10.0.0.0/8}, {@code 192.0.2.7}), and for
 * a request whose peer is one of them the client is the last address in {@code X-Forwarded-For} that
 * is not a trusted proxy (read from the right: what a client wrote at the left is not believed).
 */
public final class ClientAddresses {
    private record Range(byte[] network, int bits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Range> trusted;

    private ClientAddresses(List<Range> trusted) {
        this.trusted = trusted;
    }

    /** The peer's address, whatever the headers say: no proxy is trusted. */
    public static ClientAddresses direct() {
        return new ClientAddresses(List.of());
    }

    /**
     * Trusts the proxies at {@code ranges}: IP addresses or CIDR ranges ({@code 10.0.0.0/8},
     * {@code fd00::/8}), literal addresses only (no host names).
     *
     * @throws IllegalArgumentException naming the entry that is not an address or range
     */
    public static ClientAddresses trusting(List<String> ranges) {
        List<Range> parsed = new ArrayList<>();
        for (String r : ranges) {
            parsed.add(range(r.trim()));
        }
        return new ClientAddresses(List.copyOf(parsed));
    }

    private static Range range(String text) {
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        byte[] address = literal(host);
        if (address == null) {
            throw new IllegalArgumentException("trusted proxy '" + text + "' is not an IP address or CIDR range");
        }
        int bits = address.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > address.length * 8) {
                throw new IllegalArgumentException("trusted proxy '" + text + "' has a prefix length out of range");
            }
        }
        return new Range(address, bits);
    }

    /** The bytes of a literal IPv4 or IPv6 address, or null (never a DNS lookup). */
    private static byte[] literal(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        boolean v4 = h.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = h.contains(":") && h.matches("[0-9a-f:.]+");
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(h).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private boolean isTrusted(byte[] address) {
        for (Range r : trusted) {
            if (r.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client's address for a request from {@code peer} carrying {@code forwardedFor} (the
     * {@code X-Forwarded-For} header's values joined by commas, or null).
     */
    public String of(InetAddress peer, String forwardedFor) {
        if (trusted.isEmpty() || !isTrusted(peer.getAddress()) || forwardedFor == null || forwardedFor.isBlank()) {
            return peer.getHostAddress();
        }
        String[] hops = forwardedFor.split(",");
        String client = peer.getHostAddress();
        for (int i = hops.length - 1; i >= 0; i--) {
            byte[] hop = literal(hops[i].trim());
            if (hop == null) {
                return client; // not an address: what lies beyond it is not believed
            }
            client = hops[i].trim();
            if (!isTrusted(hop)) {
                return client;
            }
        }
        return client;
    }
}
