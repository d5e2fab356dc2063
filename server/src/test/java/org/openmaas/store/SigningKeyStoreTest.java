package org.openmaas.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.openmaas.testing.TestDatabase;

/** The shared signing keys, on the embedded H2 file and on PostgreSQL alike. */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class SigningKeyStoreTest {

    static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

    private final TestDatabase.Kind kind;
    private TestDatabase db;
    private SigningKeyStore keys;

    SigningKeyStoreTest(TestDatabase.Kind kind) {
        this.kind = kind;
    }

    @BeforeEach
    void open() {
        db = TestDatabase.fresh(kind);
        keys = new SigningKeyStore(db.open());
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void theFirstKeyIsAddedOnlyOnce() {
        keys.addIfNone("k1", "{}", NOW);
        keys.addIfNone("k2", "{}", NOW);

        assertThat(keys.keys()).extracting(SigningKeyStore.StoredKey::keyId).containsExactly("k1");
    }

    @Test
    void aNewestKeyComesFirstAndRetiresTheOthers() {
        keys.addIfNone("k1", "{}", NOW);

        keys.addNewest("k2", "{}", NOW, NOW.minus(Duration.ofHours(2)));

        assertThat(keys.keys()).extracting(SigningKeyStore.StoredKey::keyId).containsExactly("k2", "k1");
        assertThat(keys.keys().get(0).retiredAt()).isNull();
        assertThat(keys.keys().get(1).retiredAt()).isEqualTo(NOW);
    }

    @Test
    void keysRetiredLongAgoAreForgottenAtTheNextRotation() {
        keys.addIfNone("k1", "{}", NOW);
        keys.addNewest("k2", "{}", NOW, NOW.minus(Duration.ofHours(2)));

        keys.addNewest("k3", "{}", NOW.plus(Duration.ofHours(3)), NOW.plus(Duration.ofHours(1)));

        assertThat(keys.keys()).extracting(SigningKeyStore.StoredKey::keyId).containsExactly("k3", "k2");
    }
}
