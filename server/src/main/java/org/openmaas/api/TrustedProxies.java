package org.openmaas.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The proxies and load balancers in front of the server, as CIDR blocks ({@code 10.0.0.0/8}, {@code fd00::/8}) or
 * single addresses. Only a connection from one of them may say, in {@code X-Forwarded-For} or {@code Forwarded},
 * whom it forwards for; anyone else could name any address (see {@link ClientAddress}).
 */
public record TrustedProxies(List<Block> blocks) {

    /** No proxy: every request's address is its connection's. */
    public static final TrustedProxies NONE = new TrustedProxies(List.of());

    // Dotted quads only: InetAddress would also read "10.1" as 10.0.0.1, which nobody means in a proxy list.
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    public TrustedProxies {
        blocks = List.copyOf(blocks);
    }

    /** The addresses whose first {@code prefixLength} bits are {@code network}'s. */
    public record Block(InetAddress network, int prefixLength) {
        public Block {
            int bits = network.getAddress().length * 8;
            if (prefixLength < 0 || prefixLength > bits) {
                throw new IllegalArgumentException("the prefix length of " + network.getHostAddress() + " must be 0 to "
                        + bits + ", got " + prefixLength);
            }
        }

        boolean contains(InetAddress address) {
            byte[] net = network.getAddress();
            byte[] candidate = address.getAddress();
            if (net.length != candidate.length) {
                return false;
            }
            for (int bit = 0; bit < prefixLength; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((net[bit / 8] & mask) != (candidate[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return network.getHostAddress() + "/" + prefixLength;
        }
    }

    /**
     * Reads a comma-separated list such as {@code 10.0.0.0/8, 192.168.1.5, fd00::/8}; blank is {@link #NONE}.
     *
     * @throws IllegalArgumentException naming the entry at fault and what was expected
     */
    public static TrustedProxies parse(String list) {
        List<Block> blocks = new ArrayList<>();
        for (String entry : list.split(",")) {
            if (!entry.isBlank()) {
                blocks.add(block(entry.strip()));
            }
        }
        return new TrustedProxies(blocks);
    }

    private static Block block(String entry) {
        int slash = entry.indexOf('/');
        String host = slash < 0 ? entry : entry.substring(0, slash);
        InetAddress network = address(host).orElseThrow(() -> new IllegalArgumentException("trusted proxy '" + entry
                + "' is not an IPv4 or IPv6 address or CIDR block (e.g. 10.0.0.0/8, 192.168.1.5, fd00::/8)"));
        int bits = network.getAddress().length * 8;
        if (slash < 0) {
            return new Block(network, bits);
        }
        int prefixLength;
        try {
            prefixLength = Integer.parseInt(entry.substring(slash + 1));
        } catch (NumberFormatException e) {
            prefixLength = -1;
        }
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("trusted proxy '" + entry + "' needs a prefix length of 0 to " + bits
                    + " after the '/'");
        }
        Block block = new Block(network, prefixLength);
        Block normal = new Block(masked(network, prefixLength), prefixLength);
        if (!block.network().equals(normal.network())) {
            // Likely a typo, and the operator should see which addresses the entry really covers.
            throw new IllegalArgumentException("trusted proxy '" + entry + "' has bits set past its /" + prefixLength
                    + " prefix; did you mean " + normal + "?");
        }
        return block;
    }

    /** Whether a connection from {@code address} comes from a trusted proxy. */
    public boolean contains(InetAddress address) {
        return blocks.stream().anyMatch(block -> block.contains(address));
    }

    /**
     * An IP address literal without a lookup: a dotted IPv4 quad or an IPv6 address (an IPv4-mapped one reads as its
     * IPv4 address), or empty when {@code literal} is neither.
     */
    static Optional<InetAddress> address(String literal) {
        if (!IPV4.matcher(literal).matches() && !literal.contains(":")) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.ofLiteral(literal));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static InetAddress masked(InetAddress address, int prefixLength) {
        byte[] bytes = address.getAddress();
        for (int bit = prefixLength; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + bytes.length + " bytes", e);
        }
    }
}
