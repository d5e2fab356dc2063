package org.openmaas.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretHasherTest {

    @Test
    void aHashMatchesItsSecretAndNoOther() {
        String hash = SecretHasher.hash("correct horse battery staple");

        assertThat(SecretHasher.matches("correct horse battery staple", hash)).isTrue();
        assertThat(SecretHasher.matches("correct horse battery stapl", hash)).isFalse();
    }

    @Test
    void theSameSecretHashesDifferentlyEachTimeBecauseOfItsSalt() {
        assertThat(SecretHasher.hash("secret")).isNotEqualTo(SecretHasher.hash("secret"));
    }

    @Test
    void theStoredFormNeverContainsTheSecret() {
        assertThat(SecretHasher.hash("visible-secret-value")).doesNotContain("visible-secret-value");
    }

    @Test
    void aMalformedStoredHashMatchesNothing() {
        assertThat(SecretHasher.matches("x", "plain-text")).isFalse();
    }
}
