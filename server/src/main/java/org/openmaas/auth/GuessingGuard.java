package org.openmaas.auth;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Predicate;
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
 *
 * <p>The console's passwords are guarded alike, per email and per address, in counters of their own.
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

    /** What is being guessed, which names its counters and its refusals. */
    private enum Target {
        CLIENT_SECRET("client:", "address:", "token requests", "client"),
        PASSWORD("user:", "sign-in-address:", "sign-ins", "user");

        final String subjectPrefix;
        final String addressPrefix;
        final String attempts;
        final String subject;

        Target(String subjectPrefix, String addressPrefix, String attempts, String subject) {
            this.subjectPrefix = subjectPrefix;
            this.addressPrefix = addressPrefix;
            this.attempts = attempts;
            this.subject = subject;
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
        String key = clientId != null && Ids.CLIENT_ID.matcher(clientId).matches() ? clientId : null;
        return guarded(Target.CLIENT_SECRET, key, address, secretCheck,
                e -> e instanceof OAuthException o && o.error() == OAuthError.INVALID_CLIENT);
    }

    /**
     * Runs a console sign-in's {@code passwordCheck} for {@code email} under the same limits as a client secret's:
     * an empty result (no such user, or a wrong password) counts against the email and {@code address}, in counters
     * of their own.
     *
     * @throws TooManyFailures as {@link #check} does
     */
    public <T> Optional<T> checkPassword(String email, String address, Supplier<Optional<T>> passwordCheck) {
        try {
            T found = guarded(Target.PASSWORD, email, address,
                    () -> passwordCheck.get().orElseThrow(WrongPassword::new), WrongPassword.class::isInstance);
            return Optional.of(found);
        } catch (WrongPassword e) {
            return Optional.empty();
        }
    }

    /** A sign-in whose password was wrong, carried out of {@link #guarded} to be counted. */
    private static final class WrongPassword extends RuntimeException {
        WrongPassword() {
            super(null, null, false, false);
        }
    }

    private <T> T guarded(Target target, String subject, String address, Supplier<T> check,
                          Predicate<RuntimeException> wrongSecret) {
        long now = clock.instant().getEpochSecond();
        GuessingStore.Reserved reserved = null;
        if (subject != null) {
            switch (counters.reserve(target.subjectPrefix + subject, now / 60, FAILURES_PER_CLIENT_PER_MINUTE)) {
                case GuessingStore.Refused refused -> throw locked(target, subject, refused, now);
                case GuessingStore.Reserved r -> reserved = r;
            }
        }
        T result;
        try {
            result = check.get();
        } catch (RuntimeException e) {
            boolean wrong = wrongSecret.test(e);
            settle(reserved, wrong);
            if (wrong) {
                failed(target, address);
            }
            throw e;
        }
        settle(reserved, false);
        return result;
    }

    /** @throws TooManyFailures when {@code address} has now failed too often this minute */
    private void failed(Target target, String address) {
        long now = clock.instant().getEpochSecond();
        long failures = counters.fail(target.addressPrefix + (address == null ? "unknown"
                : address.substring(0, Math.min(address.length(), 100))), now / 60);
        if (failures > FAILURES_PER_ADDRESS_PER_MINUTE) {
            long retryAfter = 60 - now % 60;
            throw new TooManyFailures("too many failed " + target.attempts + " from this address ("
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

    private static TooManyFailures locked(Target target, String subject, GuessingStore.Refused refused, long now) {
        if (refused.failures() >= FAILURES_PER_CLIENT_PER_MINUTE) {
            long retryAfter = 60 - now % 60;
            return new TooManyFailures("too many failed " + target.attempts + " for " + target.subject + " '" + subject
                    + "' (" + FAILURES_PER_CLIENT_PER_MINUTE + " a minute); retry in " + retryAfter + " s", retryAfter);
        }
        // Attempts in flight hold the places: one of them ends within a second or so.
        return new TooManyFailures(refused.checking() + " " + target.attempts + " for " + target.subject + " '"
                + subject + "' are being checked at once and " + refused.failures() + " failed this minute (at most "
                + FAILURES_PER_CLIENT_PER_MINUTE + " together); retry in 1 s", 1);
    }
}
