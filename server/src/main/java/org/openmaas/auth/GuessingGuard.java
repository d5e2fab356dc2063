package org.openmaas.auth;

import java.time.Clock;
import java.util.function.Supplier;
import org.openmaas.store.GuessingStore;

/**
 * Slows secret guessing in one-minute windows shared by every instance.
 *
 * <p>Per client id, an attempt is reserved in the store before its secret is checked and refused when the window's
 * failures and the attempts being checked reach the limit; so however many requests arrive at once, on however many
 * instances, no more wrong secrets are checked than the limit. Once a client id has failed that often, even the right
 * secret is refused until the window ends (else guessing would just go on). A right secret frees its place, so
 * clients that fetch a token before every call are not limited.
 *
 * <p>Per source address, failures are only counted: past the limit, a failed request is answered with 429 instead of
 * 401, but the address never stops a right secret, for behind a proxy or load balancer many callers share one.
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

    private final GuessingStore counters;
    private final Clock clock;

    public GuessingGuard(GuessingStore counters, Clock clock) {
        this.counters = counters;
        this.clock = clock;
    }

    /**
     * Runs {@code secretCheck} for {@code clientId} unless the client id is locked; an {@link OAuthError#INVALID_CLIENT}
     * it throws is counted against the client id and {@code address}. A null {@code clientId} (the credentials are
     * still being read) counts against the address only.
     *
     * @throws TooManyFailures when the client id has failed (or is being checked) too often this minute, or when the
     *                         check failed and {@code address} has failed too often
     */
    public <T> T check(String clientId, String address, Supplier<T> secretCheck) {
        long now = clock.instant().getEpochSecond();
        String key = clientKey(clientId);
        GuessingStore.Reserved reserved = null;
        if (key != null) {
            switch (counters.reserve(key, now / 60, FAILURES_PER_CLIENT_PER_MINUTE)) {
                case GuessingStore.Refused refused -> throw clientLocked(clientId, refused, now);
                case GuessingStore.Reserved r -> reserved = r;
            }
        }
        T result;
        try {
            result = secretCheck.get();
        } catch (RuntimeException e) {
            boolean wrongSecret = e instanceof OAuthException o && o.error() == OAuthError.INVALID_CLIENT;
            settle(reserved, wrongSecret);
            if (wrongSecret) {
                failed(address);
            }
            throw e;
        }
        settle(reserved, false);
        return result;
    }

    /** @throws TooManyFailures when {@code address} has now failed too often this minute */
    private void failed(String address) {
        long now = clock.instant().getEpochSecond();
        long failures = counters.fail(addressKey(address), now / 60);
        if (failures > FAILURES_PER_ADDRESS_PER_MINUTE) {
            long retryAfter = 60 - now % 60;
            throw new TooManyFailures("too many failed token requests from this address ("
                    + FAILURES_PER_ADDRESS_PER_MINUTE + " a minute); retry in " + retryAfter + " s", retryAfter);
        }
    }

    /** Forgets the windows that ended more than an hour ago. */
    public void housekeeping() {
        counters.forgetWindowsBefore(clock.instant().getEpochSecond() / 60 - 60);
    }

    private void settle(GuessingStore.Reserved reserved, boolean wrongSecret) {
        if (reserved != null) {
            counters.settle(reserved, wrongSecret);
        }
    }

    private static TooManyFailures clientLocked(String clientId, GuessingStore.Refused refused, long now) {
        if (refused.failures() >= FAILURES_PER_CLIENT_PER_MINUTE) {
            long retryAfter = 60 - now % 60;
            return new TooManyFailures("too many failed token requests for client '" + clientId + "' ("
                    + FAILURES_PER_CLIENT_PER_MINUTE + " a minute); retry in " + retryAfter + " s", retryAfter);
        }
        // Attempts in flight hold the places: one of them ends within a second or so.
        return new TooManyFailures(refused.checking() + " token requests for client '" + clientId + "' are being "
                + "checked at once and " + refused.failures() + " failed this minute (at most "
                + FAILURES_PER_CLIENT_PER_MINUTE + " together); retry in 1 s", 1);
    }

    private static String clientKey(String clientId) {
        // Ids that cannot exist are not counted per id (they would only fill the table); the address still is.
        return clientId != null && Ids.CLIENT_ID.matcher(clientId).matches() ? "client:" + clientId : null;
    }

    private static String addressKey(String address) {
        return "address:" + (address == null ? "unknown" : address.substring(0, Math.min(address.length(), 100)));
    }
}
