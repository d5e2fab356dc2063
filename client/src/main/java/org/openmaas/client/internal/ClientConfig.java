package org.openmaas.client.internal;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * What a client was built with, checked by the public builder.
 *
 * @param baseUrl        the API base, e.g. {@code https://host/v1/maas} (no trailing slash)
 * @param authUrl        the token endpoint
 * @param connectTimeout how long to wait for a connection
 * @param readTimeout    how long to wait for response headers, and for each next piece of a body
 * @param clock          token expiry is judged by it
 */
public record ClientConfig(URI baseUrl, URI authUrl, String clientId, String clientSecret, String cloudAccount,
                           Duration connectTimeout, Duration readTimeout, RetryPolicy retry, Clock clock) {

    public ClientConfig {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(authUrl, "authUrl");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
        Objects.requireNonNull(cloudAccount, "cloudAccount");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(clock, "clock");
    }

    /** {@code baseUrl} followed by {@code /path}. */
    public URI api(String path) {
        return URI.create(baseUrl + "/" + path);
    }

    @Override
    public String toString() {
        return "ClientConfig[baseUrl=" + Urls.redacted(baseUrl) + ", authUrl=" + Urls.redacted(authUrl)
                + ", clientId=" + clientId + ", clientSecret=<redacted>, cloudAccount=" + cloudAccount
                + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout + ", retry=" + retry + "]";
    }
}
