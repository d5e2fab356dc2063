package org.openmaas.auth;

import java.time.Clock;
import org.openmaas.store.MeteringStore;

/**
 * Slows secret guessing: failed token requests are counted per client id and per source address in one-minute
 * windows shared by every instance; past a limit, token requests for that client id or from that address are refused
 * until the window ends, even with the right secret (else guessing would just go on). Successful requests are not
 * counted, so clients that fetch a token before every call are never limited.
 */
public final class GuessingGuard {

    public static final int FAILURES_PER_CLIENT_PER_MINUTE = 10;
    public static final int FAILURES_PER_ADDRESS_PER_MINUTE = 30;

    /** Refused for now; the message says why and for how long. */
    public static final class TooManyFailures extends RuntimeException {
        private final long retryAfterSeconds;

        TooManyFailures(String message, long retryAfterSeconds) {
            super(message, null, false, false);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    private final MeteringStore counters;
    private final Clock clock;

    public GuessingGuard(MeteringStore counters, Clock clock) {
        this.counters = counters;
        this.clock = clock;
    }

    /** @throws TooManyFailures when the client id or the address has failed too often this minute */
    public void check(String clientId, String address) {
        long now = clock.instant().getEpochSecond();
        long window = now / 60;
        long retryAfter = 60 - now % 60;
        if (clientKey(clientId) != null && counters.hits(clientKey(clientId), window) >= FAILURES_PER_CLIENT_PER_MINUTE) {
            throw new TooManyFailures("too many failed token requests for client '" + clientId + "' ("
                    + FAILURES_PER_CLIENT_PER_MINUTE + " a minute); retry in " + retryAfter + " s", retryAfter);
        }
        if (counters.hits(addressKey(address), window) >= FAILURES_PER_ADDRESS_PER_MINUTE) {
            throw new TooManyFailures("too many failed token requests from this address ("
                    + FAILURES_PER_ADDRESS_PER_MINUTE + " a minute); retry in " + retryAfter + " s", retryAfter);
        }
    }

    public void failed(String clientId, String address) {
        long window = clock.instant().getEpochSecond() / 60;
        if (clientKey(clientId) != null) {
            counters.hit(clientKey(clientId), window);
        }
        counters.hit(addressKey(address), window);
    }

    private static String clientKey(String clientId) {
        // Ids that cannot exist are not counted per id (they would only fill the table); the address still is.
        return clientId != null && Ids.CLIENT_ID.matcher(clientId).matches() ? "auth-fail-client:" + clientId : null;
    }

    private static String addressKey(String address) {
        return "auth-fail-address:" + (address == null ? "unknown" : address.substring(0, Math.min(address.length(), 100)));
    }
}
