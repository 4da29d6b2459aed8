package io.linegate.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client's address behind trusted proxies, and only theirs. */
class ClientAddressesTest {
    static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void withoutTrustedProxiesThePeerIsTheClientWhateverTheHeaderSays() throws Exception {
        assertThat(ClientAddresses.direct().of(ip("10.0.0.5"), "198.51.100.7")).isEqualTo("10.0.0.5");
    }

    @Test
    void behindATrustedProxyTheForwardedClientIsUsedReadFromTheRight() throws Exception {
        ClientAddresses a = ClientAddresses.trusting(List.of("10.0.0.0/8", "192.0.2.7", "fd00::/8"));
        assertThat(a.of(ip("10.0.0.5"), "198.51.100.7")).isEqualTo("198.51.100.7");
        // A client that writes its own X-Forwarded-For cannot choose its address: the proxy appends the real one.
        assertThat(a.of(ip("10.0.0.5"), "1.2.3.4, 198.51.100.7")).isEqualTo("198.51.100.7");
        // Two trusted proxies in a row.
        assertThat(a.of(ip("10.0.0.5"), "198.51.100.7, 192.0.2.7")).isEqualTo("198.51.100.7");
        assertThat(a.of(ip("fd00::1"), "2001:db8::42")).isEqualTo("2001:db8::42");
        // Garbage in the header stops the walk at the last address believed.
        assertThat(a.of(ip("10.0.0.5"), "198.51.100.7, not-an-ip")).isEqualTo("10.0.0.5");
    }

    @Test
    void aPeerThatIsNoTrustedProxyIsTheClientEvenWithTheHeader() throws Exception {
        ClientAddresses a = ClientAddresses.trusting(List.of("10.0.0.0/8"));
        assertThat(a.of(ip("198.51.100.9"), "10.0.0.1")).isEqualTo("198.51.100.9");
        assertThat(a.of(ip("11.0.0.1"), "198.51.100.7")).isEqualTo("11.0.0.1");
    }

    @Test
    void aTrustedProxyThatIsNotAnAddressOrRangeIsRefusedNamingIt() {
        assertThatThrownBy(() -> ClientAddresses.trusting(List.of("proxy.example"))).hasMessageContaining("'proxy.example'");
        assertThatThrownBy(() -> ClientAddresses.trusting(List.of("10.0.0.0/33"))).hasMessageContaining("'10.0.0.0/33'");
    }
}
