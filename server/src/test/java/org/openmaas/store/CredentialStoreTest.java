package org.openmaas.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.openmaas.accounts.model.AccountsException;
import org.openmaas.accounts.model.Client;
import org.openmaas.accounts.model.ClientLimits;
import org.openmaas.accounts.model.CloudAccount;
import org.openmaas.accounts.model.ProductGrants;
import org.openmaas.testing.TestDatabase;

/** Accounts, clients and entitlements, on the embedded H2 file and on PostgreSQL alike. */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class CredentialStoreTest {

    static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

    private final TestDatabase.Kind kind;

    CredentialStoreTest(TestDatabase.Kind kind) {
        this.kind = kind;
    }

    private TestDatabase db;
    private CredentialStore store;

    @BeforeEach
    void open() {
        db = TestDatabase.fresh(kind);
        store = new CredentialStore(db.open());
        store.createAccount("111111111111", "acme", NOW);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void aCreatedAccountIsFoundWithItsNameAndActiveStatus() {
        assertThat(store.findAccount("111111111111")).get()
                .satisfies(a -> assertThat(a.name()).isEqualTo("acme"))
                .satisfies(a -> assertThat(a.status()).isEqualTo("active"))
                .satisfies(a -> assertThat(a.allProducts()).isTrue())
                .satisfies(a -> assertThat(a.monthlyGeneratedTokens()).isNull())
                .satisfies(a -> assertThat(a.createdAt()).isEqualTo(NOW));
    }

    @Test
    void twoAccountsCannotShareAName() {
        assertThatThrownBy(() -> store.createAccount("222222222222", "acme", NOW))
                .isInstanceOf(AccountsException.AlreadyExists.class);
    }

    @Test
    void twoAccountsCannotShareAnId() {
        assertThatThrownBy(() -> store.createAccount("111111111111", "other", NOW))
                .isInstanceOf(AccountsException.AlreadyExists.class);
    }

    @Test
    void twoClientsOfOneAccountCannotShareAName() {
        store.createClient(client("app-1", "app"), NOW);

        assertThatThrownBy(() -> store.createClient(client("app-2", "app"), NOW)).isInstanceOf(AccountsException.AlreadyExists.class);
    }

    @Test
    void aClientOfASuspendedAccountIsNotActive() {
        store.createClient(client("app", "app"), NOW);

        store.updateAccount("111111111111", null, CloudAccount.SUSPENDED);

        assertThat(store.findClient("app")).get().satisfies(c -> assertThat(c.active()).isFalse());
    }

    @Test
    void aRevokedClientIsNotActive() {
        store.createClient(client("app", "app"), NOW);

        assertThat(store.revokeClient("app", NOW)).isTrue();

        assertThat(store.findClient("app")).get().satisfies(c -> assertThat(c.status()).isEqualTo("revoked"))
                .satisfies(c -> assertThat(c.active()).isFalse());
    }

    @Test
    void aRotationKeepsThePreviousSecretHashUntilTheOverlapEnds() {
        store.createClient(client("app", "app"), NOW);
        Client before = store.findClient("app").orElseThrow();

        assertThat(store.rotateSecret("app", before.version(), "new-hash", NOW.plus(Duration.ofHours(1)), NOW)).isTrue();

        Client after = store.findClient("app").orElseThrow();
        assertThat(after.secretHash()).isEqualTo("new-hash");
        assertThat(after.previousSecretHash()).isEqualTo(before.secretHash());
        assertThat(after.previousSecretValidAt(NOW.plus(Duration.ofMinutes(59)))).isTrue();
        assertThat(after.previousSecretValidAt(NOW.plus(Duration.ofHours(1)))).isFalse();
    }

    @Test
    void aRotationBasedOnAStaleVersionWritesNothing() {
        store.createClient(client("app", "app"), NOW);
        long version = store.findClient("app").orElseThrow().version();
        store.rotateSecret("app", version, "first", NOW, NOW);

        assertThat(store.rotateSecret("app", version, "second", NOW, NOW)).isFalse();
        assertThat(store.findClient("app").orElseThrow().secretHash()).isEqualTo("first");
    }

    @Test
    void ofConcurrentRotationsFromOneVersionExactlyOneApplies() throws Exception {
        store.createClient(client("app", "app"), NOW);
        long version = store.findClient("app").orElseThrow().version();
        List<Future<Boolean>> rotations = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
            for (int i = 0; i < 6; i++) {
                String hash = "hash-" + i;
                rotations.add(pool.submit(() -> store.rotateSecret("app", version, hash, NOW, NOW)));
            }
            int applied = 0;
            for (Future<Boolean> rotation : rotations) {
                applied += rotation.get() ? 1 : 0;
            }
            assertThat(applied).isEqualTo(1);
        }
        assertThat(store.findClient("app").orElseThrow().version()).isEqualTo(version + 1);
    }

    @Test
    void limitsAreStoredAndNullMeansUnlimited() {
        store.createClient(client("app", "app"), NOW);

        store.setClientLimits("app", new ClientLimits(60, null, 2));

        assertThat(store.findClient("app").orElseThrow().limits()).isEqualTo(new ClientLimits(60, null, 2));
    }

    @Test
    void entitlementsReplaceTheProductListAndAllProductsAllowsEveryProduct() {
        store.setGrants("111111111111", new ProductGrants(false, Set.of("a", "b")));
        store.setGrants("111111111111", new ProductGrants(false, Set.of("b")));

        ProductGrants e = store.grants("111111111111").orElseThrow();
        assertThat(e.products()).containsExactly("b");
        assertThat(e.allows("a")).isFalse();
        store.setGrants("111111111111", new ProductGrants(true, Set.of()));
        assertThat(store.grants("111111111111").orElseThrow().allows("a")).isTrue();
    }

    @Test
    void changesToAnUnknownIdReportThatNothingChanged() {
        assertThat(store.updateAccount("999999999999", "x", null)).isFalse();
        assertThat(store.revokeClient("nobody", NOW)).isFalse();
        assertThat(store.setClientLimits("nobody", ClientLimits.NONE)).isFalse();
        assertThat(store.setGrants("999999999999", new ProductGrants(true, Set.of()))).isFalse();
    }

    @Test
    void theMonthlyQuotaIsStoredAndClearedWithNull() {
        store.setMonthlyQuota("111111111111", 5000L);
        assertThat(store.findAccount("111111111111").orElseThrow().monthlyGeneratedTokens()).isEqualTo(5000L);

        store.setMonthlyQuota("111111111111", null);
        assertThat(store.findAccount("111111111111").orElseThrow().monthlyGeneratedTokens()).isNull();
    }

    private static Client client(String id, String name) {
        return new Client(id, "111111111111", name, "hash-" + id, Set.of("inference"), true);
    }
}
