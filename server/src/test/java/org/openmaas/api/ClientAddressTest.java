package org.openmaas.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openmaas.api.TrustedProxiesTest.ip;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Whom a request comes from: the connection's peer, or whom trusted proxies say they forward for. */
class ClientAddressTest {

    private final ClientAddress behindProxies = new ClientAddress(TrustedProxies.parse("10.0.0.0/8, fd00::/8"));

    @Test
    void withoutForwardingHeadersTheClientIsThePeer() {
        assertThat(behindProxies.resolve(ip("10.0.0.1"), List.of(), List.of())).isEqualTo(ip("10.0.0.1"));
    }

    @Test
    void anUntrustedPeerCannotNameAnotherAddress() {
        assertThat(behindProxies.resolve(ip("203.0.113.9"), List.of("198.51.100.1"), List.of("for=198.51.100.2")))
                .isEqualTo(ip("203.0.113.9"));
        assertThat(new ClientAddress(TrustedProxies.NONE).resolve(ip("10.0.0.1"), List.of("198.51.100.1"), List.of()))
                .isEqualTo(ip("10.0.0.1"));
    }

    @Test
    void aTrustedProxyForwardsForTheHopItNamesLast() {
        assertThat(behindProxies.resolve(ip("10.0.0.1"), List.of("198.51.100.1"), List.of())).isEqualTo(ip("198.51.100.1"));
    }

    @Test
    void theWalkFromTheRightStopsAtTheFirstHopThatIsNotTrusted() {
        // The client wrote 192.0.2.66 itself; the proxies appended 203.0.113.5 and 10.0.0.7.
        List<String> chain = List.of("192.0.2.66, 203.0.113.5", "10.0.0.7");

        assertThat(behindProxies.resolve(ip("10.0.0.1"), chain, List.of())).isEqualTo(ip("203.0.113.5"));
    }

    @Test
    void aChainOfTrustedProxiesEndsAtItsFirstHop() {
        assertThat(behindProxies.resolve(ip("10.0.0.1"), List.of("198.51.100.1, 10.0.0.8, 10.0.0.7"), List.of()))
                .isEqualTo(ip("198.51.100.1"));
    }

    @Test
    void forwardedIsReadWhenThereIsNoXForwardedFor() {
        List<String> forwarded = List.of("for=192.0.2.43, for=\"[2001:db8:cafe::17]:4711\";proto=https;by=10.0.0.1");

        assertThat(behindProxies.resolve(ip("10.0.0.1"), List.of(), forwarded)).isEqualTo(ip("2001:db8:cafe::17"));
        assertThat(behindProxies.resolve(ip("10.0.0.1"), List.of(), List.of("For=\"192.0.2.60:8080\"")))
                .isEqualTo(ip("192.0.2.60"));
    }

    @Test
    void xForwardedForWinsOverForwarded() {
        assertThat(behindProxies.resolve(ip("10.0.0.1"), List.of("198.51.100.1"), List.of("for=192.0.2.43")))
                .isEqualTo(ip("198.51.100.1"));
    }

    @Test
    void ipv6PeersAndHopsWithAndWithoutBracketsOrPorts() {
        assertThat(behindProxies.resolve(ip("fd00::1"), List.of("2001:db8::1"), List.of())).isEqualTo(ip("2001:db8::1"));
        assertThat(behindProxies.resolve(ip("fd00::1"), List.of("[2001:db8::2]:443"), List.of())).isEqualTo(ip("2001:db8::2"));
        assertThat(behindProxies.resolve(ip("fd00::1"), List.of("192.0.2.1:5555"), List.of())).isEqualTo(ip("192.0.2.1"));
    }

    @Test
    void aHopThatIsNoAddressEndsTheWalkAtTheProxyThatNamedIt() {
        for (String garbage : List.of("unknown", "_hidden", "", "not an address", "[2001:db8::1", "1.2.3", "999.1.1.1",
                "example.com", "[::1]x")) {
            assertThat(behindProxies.resolve(ip("10.0.0.1"), List.of("198.51.100.1, " + garbage), List.of()))
                    .as(garbage).isEqualTo(ip("10.0.0.1"));
        }
        assertThat(behindProxies.resolve(ip("10.0.0.1"), List.of(), List.of("for=unknown"))).isEqualTo(ip("10.0.0.1"));
        assertThat(behindProxies.resolve(ip("10.0.0.1"), List.of(), List.of("proto=https"))).isEqualTo(ip("10.0.0.1"));
    }
}
