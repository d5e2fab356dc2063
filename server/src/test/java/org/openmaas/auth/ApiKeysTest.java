package org.openmaas.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.openmaas.accounts.model.Client;
import org.openmaas.store.ApiKeyStore;
import org.openmaas.store.CredentialStore;
import org.openmaas.store.Database;
import org.openmaas.testing.MutableClock;
import org.openmaas.testing.TestDatabase;

/** API keys on the embedded H2 file and on PostgreSQL alike: made, found by hash, revoked. */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class ApiKeysTest {

    private final TestDatabase.Kind kind;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    private TestDatabase db;
    private Database database;
    private ApiKeyStore store;
    private ApiKeys keys;

    ApiKeysTest(TestDatabase.Kind kind) {
        this.kind = kind;
    }

    @BeforeEach
    void openStore() {
        db = TestDatabase.fresh(kind);
        database = db.open();
        CredentialStore credentials = new CredentialStore(database);
        credentials.createAccount("123456789012", "acme", clock.instant());
        credentials.createClient(client("app", Set.of(Scopes.INFERENCE, Scopes.ADMIN), true), clock.instant());
        credentials.createClient(client("other", Set.of(Scopes.INFERENCE), true), clock.instant());
        credentials.createClient(client("gone", Set.of(Scopes.INFERENCE), false), clock.instant());
        credentials.createClient(client("admin-only", Set.of(Scopes.ADMIN), true), clock.instant());
        store = new ApiKeyStore(database);
        keys = new ApiKeys(store, clock);
    }

    @AfterEach
    void closeStore() {
        db.close();
    }

    @Test
    void aNewKeyIsSkAnd43UrlSafeCharacters() {
        assertThat(keys.create("app", "tool").secret()).matches("sk-[A-Za-z0-9_-]{43}");
    }

    @Test
    void aKeyAuthenticatesAsItsClientWithOnlyTheInferenceScope() {
        String secret = keys.create("app", "tool").secret();

        assertThat(keys.verify(secret)).isEqualTo(new Principal("app", "123456789012", Set.of(Scopes.INFERENCE)));
    }

    @Test
    void onlyTheKeysHashIsStored() {
        String secret = keys.create("app", "tool").secret();

        List<Map<String, Object>> rows = database.jdbi().withHandle(h ->
                h.createQuery("SELECT * FROM api_keys").mapToMap().list());
        assertThat(rows).hasSize(1);
        assertThat(rows.getFirst().values().toString()).doesNotContain(secret.substring(12));
        assertThat(rows.getFirst().get("key_hash")).isEqualTo(ApiKeys.hash(secret));
    }

    @Test
    void aKeyWithOneCharacterChangedIsRefused() {
        String secret = keys.create("app", "tool").secret();
        String changed = secret.substring(0, secret.length() - 1) + (secret.endsWith("A") ? "B" : "A");

        assertThatThrownBy(() -> keys.verify(changed)).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("not valid");
    }

    @Test
    void aRevokedKeyIsRefusedAtOnceWhereItWasRevoked() {
        ApiKeys.Created created = keys.create("app", "tool");
        keys.verify(created.secret());

        assertThat(keys.revoke("app", created.key().id())).isTrue();

        assertThatThrownBy(() -> keys.verify(created.secret())).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("revoked");
    }

    @Test
    void aKeyRevokedOnAnotherInstanceIsRefusedWithinTheCacheLifetime() {
        ApiKeys otherInstance = new ApiKeys(store, clock);
        ApiKeys.Created created = keys.create("app", "tool");
        keys.verify(created.secret());
        otherInstance.revoke("app", created.key().id());

        clock.advance(ApiKeys.TTL);

        assertThatThrownBy(() -> keys.verify(created.secret())).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void aClientCannotRevokeAnotherClientsKey() {
        ApiKeys.Created created = keys.create("app", "tool");

        assertThat(keys.revoke("other", created.key().id())).isFalse();
        assertThat(keys.verify(created.secret()).clientId()).isEqualTo("app");
    }

    @Test
    void aClientListsOnlyItsOwnKeys() {
        keys.create("app", "one");
        keys.create("other", "two");

        assertThat(keys.list("app")).extracting(k -> k.name()).containsExactly("one");
    }

    @Test
    void aKeyOfARevokedClientIsRefused() {
        String secret = keys.create("gone", "tool").secret();

        assertThatThrownBy(() -> keys.verify(secret)).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("client gone");
    }

    @Test
    void aKeyOfAClientWithoutTheInferenceScopeCarriesNoScope() {
        String secret = keys.create("admin-only", "tool").secret();

        assertThat(keys.verify(secret).scopes()).isEmpty();
    }

    @Test
    void usingAKeyRecordsWhenItWasLastUsed() {
        ApiKeys.Created created = keys.create("app", "tool");
        clock.advance(Duration.ofMinutes(1));

        keys.verify(created.secret());

        assertThat(keys.list("app").getFirst().lastUsedAt()).isEqualTo(clock.instant());
    }

    private static Client client(String id, Set<String> scopes, boolean active) {
        return new Client(id, "123456789012", id, SecretHasher.hash("s3cret-s3cret-s3cret"), scopes, active);
    }
}
