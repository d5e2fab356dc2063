package org.openmaas.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openmaas.store.GuessingStore;
import org.openmaas.testing.MutableClock;
import org.openmaas.testing.TestDatabase;

/** What the guard counts around a secret check, and how it refuses. */
class GuessingGuardTest {

    // Ten seconds into a minute.
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:10Z"));
    private final TestDatabase db = TestDatabase.fresh(TestDatabase.Kind.H2);
    private final GuessingStore store = new GuessingStore(db.open());
    private final GuessingGuard guard = new GuessingGuard(store, clock);
    private final AtomicInteger checked = new AtomicInteger();

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void rightSecretsFreeTheirPlacesSoTheyAreNeverLimited() {
        for (int i = 0; i < 3 * GuessingGuard.FAILURES_PER_CLIENT_PER_MINUTE; i++) {
            assertThat(guard.check("app", "192.0.2.1", this::rightSecret)).isEqualTo("token");
        }
    }

    @Test
    void whileAttemptsBeingCheckedFillTheLimitOthersAreAskedToRetryInASecond() {
        long window = clock.instant().getEpochSecond() / 60;
        for (int i = 0; i < GuessingGuard.FAILURES_PER_CLIENT_PER_MINUTE; i++) {
            store.reserve("client:app", window, GuessingGuard.FAILURES_PER_CLIENT_PER_MINUTE);
        }

        assertThatThrownBy(() -> guard.check("app", "192.0.2.1", this::rightSecret))
                .isInstanceOfSatisfying(GuessingGuard.TooManyFailures.class,
                        e -> assertThat(e.retryAfterSeconds()).isEqualTo(1))
                .hasMessageContaining("are being checked at once");
        assertThat(checked).hasValue(0);
    }

    @Test
    void afterTheLimitOfWrongSecretsTheClientWaitsForTheNextMinuteUnchecked() {
        for (int i = 0; i < GuessingGuard.FAILURES_PER_CLIENT_PER_MINUTE; i++) {
            assertThatThrownBy(() -> guard.check("app", "192.0.2.1", this::wrongSecret)).isInstanceOf(OAuthException.class);
        }

        assertThatThrownBy(() -> guard.check("app", "192.0.2.1", this::rightSecret))
                .isInstanceOfSatisfying(GuessingGuard.TooManyFailures.class,
                        e -> assertThat(e.retryAfterSeconds()).isEqualTo(50));
        assertThat(checked).hasValue(GuessingGuard.FAILURES_PER_CLIENT_PER_MINUTE);
    }

    @Test
    void refusalsOtherThanAWrongSecretAreNotFailures() {
        for (int i = 0; i < 3 * GuessingGuard.FAILURES_PER_ADDRESS_PER_MINUTE; i++) {
            assertThatThrownBy(() -> guard.check("app", "192.0.2.1", () -> {
                throw new OAuthException(OAuthError.INVALID_SCOPE, "no such scope");
            })).isInstanceOf(OAuthException.class);
        }

        assertThat(guard.check("app", "192.0.2.1", this::rightSecret)).isEqualTo("token");
    }

    private String rightSecret() {
        checked.incrementAndGet();
        return "token";
    }

    private String wrongSecret() {
        checked.incrementAndGet();
        throw new OAuthException(OAuthError.INVALID_CLIENT, "wrong secret");
    }

    @Test
    void wrongPasswordsAreCountedPerEmailApartFromClientSecrets() {
        for (int i = 0; i < GuessingGuard.FAILURES_PER_CLIENT_PER_MINUTE; i++) {
            assertThat(guard.checkPassword("app", "192.0.2.1", Optional::empty)).isEmpty();
        }

        assertThatThrownBy(() -> guard.checkPassword("app", "192.0.2.1", () -> Optional.of("user")))
                .isInstanceOfSatisfying(GuessingGuard.TooManyFailures.class,
                        e -> assertThat(e.retryAfterSeconds()).isEqualTo(50))
                .hasMessage("too many failed sign-ins for user 'app' (10 a minute); retry in 50 s");
        assertThat(guard.check("app", "192.0.2.1", this::rightSecret)).isEqualTo("token");
    }
}
