package org.openmaas.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    static final RetryPolicy POLICY =
            new RetryPolicy(4, Duration.ofSeconds(30), Duration.ofMillis(500), Duration.ofSeconds(8));

    @Test
    void theServicesRetryAfterIsWaitedExactly() {
        assertThat(POLICY.delay(1, Duration.ZERO, Optional.of(Duration.ofSeconds(3)), () -> 0.99))
                .contains(Duration.ofSeconds(3));
    }

    @Test
    void withoutRetryAfterTheBackoffDoublesWithEachAttempt() {
        assertThat(POLICY.delay(1, Duration.ZERO, Optional.empty(), () -> 0.0)).contains(Duration.ofMillis(250));
        assertThat(POLICY.delay(2, Duration.ZERO, Optional.empty(), () -> 0.0)).contains(Duration.ofMillis(500));
        assertThat(POLICY.delay(3, Duration.ZERO, Optional.empty(), () -> 0.0)).contains(Duration.ofMillis(1000));
    }

    @Test
    void jitterSpreadsTheBackoffOverItsUpperHalf() {
        assertThat(POLICY.delay(2, Duration.ZERO, Optional.empty(), () -> 0.5)).contains(Duration.ofMillis(750));
        assertThat(POLICY.delay(2, Duration.ZERO, Optional.empty(), () -> 0.999)).get()
                .matches(d -> d.toMillis() < 1000 && d.toMillis() >= 990);
    }

    @Test
    void theBackoffNeverExceedsItsCap() {
        RetryPolicy many = new RetryPolicy(100, Duration.ofHours(1), Duration.ofMillis(500), Duration.ofSeconds(8));

        assertThat(many.delay(40, Duration.ZERO, Optional.empty(), () -> 0.999)).get()
                .matches(d -> d.compareTo(Duration.ofSeconds(8)) <= 0 && d.compareTo(Duration.ofSeconds(4)) >= 0);
    }

    @Test
    void noRetryOnceTheAttemptsAreSpent() {
        assertThat(POLICY.delay(4, Duration.ZERO, Optional.of(Duration.ofSeconds(1)), () -> 0.0)).isEmpty();
    }

    @Test
    void noRetryWhenWaitingWouldExceedTheTotalWait() {
        assertThat(POLICY.delay(1, Duration.ofSeconds(25), Optional.of(Duration.ofSeconds(6)), () -> 0.0)).isEmpty();
        assertThat(POLICY.delay(1, Duration.ZERO, Optional.of(Duration.ofSeconds(31)), () -> 0.0)).isEmpty();
    }

    @Test
    void oneAttemptMeansNoRetries() {
        RetryPolicy once = new RetryPolicy(1, Duration.ofSeconds(30), Duration.ofMillis(500), Duration.ofSeconds(8));

        assertThat(once.delay(1, Duration.ZERO, Optional.empty(), () -> 0.0)).isEmpty();
    }

    @Test
    void zeroAttemptsIsRefusedWithASentence() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ZERO))
                .hasMessage("maxAttempts must be at least 1 (1 means no retries), got 0");
    }

    @Test
    void retryAfterInSecondsIsRead() {
        assertThat(RetryAfter.parse(Optional.of("7"), Instant.EPOCH)).contains(Duration.ofSeconds(7));
    }

    @Test
    void retryAfterAsAnHttpDateIsTheTimeUntilThen() {
        Instant now = Instant.parse("2026-11-27T09:00:00Z");

        assertThat(RetryAfter.parse(Optional.of("Fri, 27 Nov 2026 09:00:05 GMT"), now)).contains(Duration.ofSeconds(5));
        assertThat(RetryAfter.parse(Optional.of("Fri, 27 Nov 2026 08:00:00 GMT"), now)).contains(Duration.ZERO);
    }

    @Test
    void anUnreadableRetryAfterIsIgnored() {
        assertThat(RetryAfter.parse(Optional.of("soon"), Instant.EPOCH)).isEmpty();
        assertThat(RetryAfter.parse(Optional.of("-3"), Instant.EPOCH)).isEmpty();
        assertThat(RetryAfter.parse(Optional.empty(), Instant.EPOCH)).isEmpty();
    }
}
