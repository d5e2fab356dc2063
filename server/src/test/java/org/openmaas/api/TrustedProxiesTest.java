package org.openmaas.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The {@code --trusted-proxies} list: CIDR blocks and single addresses of either family. */
class TrustedProxiesTest {

    @Test
    void aBlockHoldsTheAddressesThatShareItsPrefix() {
        TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8, 192.168.1.5");

        assertThat(proxies.contains(ip("10.200.3.4"))).isTrue();
        assertThat(proxies.contains(ip("11.0.0.1"))).isFalse();
        assertThat(proxies.contains(ip("192.168.1.5"))).isTrue();
        assertThat(proxies.contains(ip("192.168.1.6"))).isFalse();
    }

    @Test
    void ipv6BlocksHoldIpv6AddressesOnly() {
        TrustedProxies proxies = TrustedProxies.parse("fd00::/8,::1");

        assertThat(proxies.contains(ip("fd12:3456::1"))).isTrue();
        assertThat(proxies.contains(ip("fe80::1"))).isFalse();
        assertThat(proxies.contains(ip("::1"))).isTrue();
        assertThat(proxies.contains(ip("127.0.0.1"))).isFalse();
    }

    @Test
    void prefixesNeedNotEndOnAByte() {
        TrustedProxies proxies = TrustedProxies.parse("172.16.0.0/12");

        assertThat(proxies.contains(ip("172.31.255.255"))).isTrue();
        assertThat(proxies.contains(ip("172.32.0.0"))).isFalse();
    }

    @Test
    void anIpv4MappedIpv6AddressIsItsIpv4Address() {
        assertThat(TrustedProxies.parse("10.0.0.0/8").contains(ip("::ffff:10.1.2.3"))).isTrue();
    }

    @Test
    void aBlankListTrustsNobody() {
        assertThat(TrustedProxies.parse(" ")).isEqualTo(TrustedProxies.NONE);
        assertThat(TrustedProxies.NONE.contains(ip("127.0.0.1"))).isFalse();
    }

    @Test
    void everyMalformedEntryIsNamedWithWhatWasExpected() {
        assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/8,proxy.internal"))
                .hasMessage("trusted proxy 'proxy.internal' is not an IPv4 or IPv6 address or CIDR block "
                        + "(e.g. 10.0.0.0/8, 192.168.1.5, fd00::/8)");
        assertThatThrownBy(() -> TrustedProxies.parse("10.1"))
                .hasMessageContaining("'10.1' is not an IPv4 or IPv6 address");
        assertThatThrownBy(() -> TrustedProxies.parse("256.0.0.0/8"))
                .hasMessageContaining("'256.0.0.0/8' is not an IPv4 or IPv6 address");
        assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/33"))
                .hasMessage("trusted proxy '10.0.0.0/33' needs a prefix length of 0 to 32 after the '/'");
        assertThatThrownBy(() -> TrustedProxies.parse("fd00::/129"))
                .hasMessage("trusted proxy 'fd00::/129' needs a prefix length of 0 to 128 after the '/'");
        assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/"))
                .hasMessageContaining("needs a prefix length");
        assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/eight"))
                .hasMessageContaining("needs a prefix length");
    }

    @Test
    void aBlockWithHostBitsSetIsRefusedWithTheBlockItCovers() {
        assertThatThrownBy(() -> TrustedProxies.parse("10.1.2.3/8"))
                .hasMessage("trusted proxy '10.1.2.3/8' has bits set past its /8 prefix; did you mean 10.0.0.0/8?");
    }

    static InetAddress ip(String literal) {
        return InetAddress.ofLiteral(literal);
    }
}
