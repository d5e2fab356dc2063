package org.openmaas.api;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The address a request comes from. A connection from a {@link TrustedProxies trusted proxy} forwards for the hop
 * its {@code X-Forwarded-For} (else its RFC 7239 {@code Forwarded: for=}) names last; while that hop is a trusted
 * proxy too, the one before it, and so on. The first hop that is not trusted is the client: it, or anyone before
 * it, could have written the rest of the header. A hop that is no IP address (garbage, {@code unknown}, an
 * obfuscated {@code _name}) ends the walk at the proxy that named it. With no proxy trusted, the headers are ignored.
 */
public final class ClientAddress {

    private final TrustedProxies trusted;

    public ClientAddress(TrustedProxies trusted) {
        this.trusted = trusted;
    }

    /** The client's address as text, for counting what one address does. */
    public String of(ServerRequest req) {
        if (!(req.remotePeer().address() instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return String.valueOf(req.remotePeer().address());
        }
        return resolve(inet.getAddress(), req.headers().all(HeaderNames.X_FORWARDED_FOR, List::of),
                req.headers().all(HeaderNames.FORWARDED, List::of)).getHostAddress();
    }

    /** The client behind a connection from {@code peer} with these header values (each may list several hops). */
    InetAddress resolve(InetAddress peer, List<String> xForwardedFor, List<String> forwarded) {
        List<String> hops = xForwardedFor.isEmpty() ? forwardedFor(forwarded) : elements(xForwardedFor);
        InetAddress client = peer;
        for (int i = hops.size() - 1; i >= 0 && trusted.contains(client); i--) {
            Optional<InetAddress> hop = hopAddress(hops.get(i));
            if (hop.isEmpty()) {
                break;
            }
            client = hop.get();
        }
        return client;
    }

    private static List<String> elements(List<String> values) {
        List<String> elements = new ArrayList<>();
        for (String value : values) {
            for (String element : value.split(",")) {
                elements.add(element.strip());
            }
        }
        return elements;
    }

    /** Each {@code Forwarded} element's {@code for} value; an element without one is an unknown hop. */
    private static List<String> forwardedFor(List<String> forwarded) {
        List<String> hops = new ArrayList<>();
        for (String element : elements(forwarded)) {
            String hop = "";
            for (String pair : element.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals("for")) {
                    hop = unquoted(pair.substring(eq + 1).strip());
                }
            }
            hops.add(hop);
        }
        return hops;
    }

    private static String unquoted(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }

    /** {@code 192.0.2.1}, {@code 192.0.2.1:4711}, {@code 2001:db8::1}, {@code [2001:db8::1]} or {@code [2001:db8::1]:4711}. */
    private static Optional<InetAddress> hopAddress(String hop) {
        if (hop.startsWith("[")) {
            int close = hop.indexOf(']');
            boolean portOrNothing = close > 0 && (close == hop.length() - 1 || hop.charAt(close + 1) == ':');
            return portOrNothing ? TrustedProxies.address(hop.substring(1, close)) : Optional.empty();
        }
        int colon = hop.indexOf(':');
        boolean ipv4WithPort = colon > 0 && hop.indexOf(':', colon + 1) < 0;
        return TrustedProxies.address(ipv4WithPort ? hop.substring(0, colon) : hop);
    }
}
