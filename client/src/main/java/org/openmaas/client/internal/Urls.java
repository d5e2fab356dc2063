package org.openmaas.client.internal;

import java.net.URI;

/** URLs as they may appear in messages and logs: no user info, query or fragment, which can carry secrets. */
public final class Urls {

    private Urls() {
    }

    public static String redacted(URI uri) {
        StringBuilder s = new StringBuilder();
        if (uri.getScheme() != null) {
            s.append(uri.getScheme()).append("://");
        }
        if (uri.getHost() != null) {
            s.append(uri.getHost());
        }
        if (uri.getPort() >= 0) {
            s.append(':').append(uri.getPort());
        }
        if (uri.getRawPath() != null) {
            s.append(uri.getRawPath());
        }
        return s.toString();
    }

    /** {@code host:port} of {@code uri}, for "cannot connect to ..." messages. */
    public static String authority(URI uri) {
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return uri.getHost() + ":" + port;
    }
}
