package org.openmaas.auth;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Tokens whose signature this instance has checked, with the claims it read from them, so that a client sending the
 * same token on every call pays for one ES256 verification (about a millisecond of CPU) per token rather than per call.
 * What can change while a token lives is still checked on every call by {@link TokenService#verify}: its key still
 * verifies, its expiry, its client's status and scopes. At most {@link #CAPACITY} tokens are kept, the least recently
 * used going first; one forgotten is verified again.
 */
final class VerifiedTokens {

    static final int CAPACITY = 1024;

    /** What a verified token says. */
    record Claims(String keyId, String clientId, String account, String scope, Instant expiry) {
    }

    private final Map<String, Claims> tokens = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Claims> eldest) {
            return size() > CAPACITY;
        }
    };

    synchronized Optional<Claims> get(String token) {
        return Optional.ofNullable(tokens.get(token));
    }

    synchronized void put(String token, Claims claims) {
        tokens.put(token, claims);
    }
}
