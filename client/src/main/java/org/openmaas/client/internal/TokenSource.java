package org.openmaas.client.internal;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.openmaas.client.AccessToken;

/**
 * The client's access token: fetched on first use, reused until shortly before it expires, then fetched again.
 * Thread-safe; while one thread fetches, the others that need a token wait for it instead of fetching their own.
 */
public final class TokenSource {

    /** Refresh this long before expiry (at most a tenth of the token's lifetime), so no call carries a dying token. */
    static final Duration REFRESH_MARGIN = Duration.ofSeconds(60);

    private final Transport transport;
    private final ClientConfig config;
    private final ReentrantLock fetching = new ReentrantLock();
    private final AtomicReference<Cached> current = new AtomicReference<>();

    private record Cached(AccessToken token, Instant refreshAt) {
    }

    public TokenSource(Transport transport, ClientConfig config) {
        this.transport = transport;
        this.config = config;
    }

    /** A token valid for a while yet. */
    public AccessToken get() {
        Cached cached = current.get();
        if (isFresh(cached)) {
            return cached.token();
        }
        fetching.lock();
        try {
            cached = current.get();
            if (isFresh(cached)) {
                return cached.token(); // another thread fetched it while this one waited
            }
            Instant requestedAt = config.clock().instant();
            AccessToken token = fetch(requestedAt);
            Duration lifetime = Duration.between(requestedAt, token.expiresAt());
            Duration margin = lifetime.dividedBy(10).compareTo(REFRESH_MARGIN) < 0 ? lifetime.dividedBy(10) : REFRESH_MARGIN;
            current.set(new Cached(token, token.expiresAt().minus(margin)));
            return token;
        } finally {
            fetching.unlock();
        }
    }

    /** The service refused {@code token}: forget it, unless another thread has already replaced it. */
    public void refused(AccessToken token) {
        Cached cached = current.get();
        if (cached != null && cached.token() == token) {
            current.compareAndSet(cached, null);
        }
    }

    private boolean isFresh(Cached cached) {
        return cached != null && config.clock().instant().isBefore(cached.refreshAt());
    }

    // As the guide's script: HTTP Basic with the id and secret as they are, grant_type in a form body.
    private AccessToken fetch(Instant requestedAt) {
        String basic = Base64.getEncoder().encodeToString(
                (config.clientId() + ":" + config.clientSecret()).getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(config.authUrl())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"));
        Transport.Response response = transport.send(request, null);
        return Wire.accessToken(transport.readAll(response), requestedAt, response.requestId());
    }
}
