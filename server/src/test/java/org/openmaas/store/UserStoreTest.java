package org.openmaas.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.openmaas.accounts.model.AccountsException;
import org.openmaas.console.model.Membership;
import org.openmaas.console.model.Role;
import org.openmaas.console.model.Session;
import org.openmaas.testing.TestDatabase;

/** The console's users, memberships, invites and sessions, on the embedded H2 file and on PostgreSQL alike. */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class UserStoreTest {

    static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");

    private final TestDatabase.Kind kind;
    private TestDatabase db;
    private UserStore users;
    private SessionStore sessions;

    UserStoreTest(TestDatabase.Kind kind) {
        this.kind = kind;
    }

    @BeforeEach
    void open() {
        db = TestDatabase.fresh(kind);
        Database database = db.open();
        users = new UserStore(database);
        sessions = new SessionStore(database);
        CredentialStore accounts = new CredentialStore(database);
        accounts.createAccount("111111111111", "acme", NOW);
        accounts.createAccount("222222222222", "globex", NOW);
        users.createUser("user-ada", "ada@example.com", false, NOW);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void aNewUserHasNoPasswordAndIsNoOperator() {
        assertThat(users.findUserByEmail("ada@example.com")).get()
                .satisfies(u -> assertThat(u.id()).isEqualTo("user-ada"))
                .satisfies(u -> assertThat(u.hasPassword()).isFalse())
                .satisfies(u -> assertThat(u.operator()).isFalse())
                .satisfies(u -> assertThat(u.disabled()).isFalse())
                .satisfies(u -> assertThat(u.createdAt()).isEqualTo(NOW));
        assertThat(users.hasOperator()).isFalse();
    }

    @Test
    void twoUsersCannotShareAnEmail() {
        assertThatThrownBy(() -> users.createUser("user-other", "ada@example.com", true, NOW))
                .isInstanceOf(AccountsException.AlreadyExists.class).hasMessageContaining("ada@example.com");
    }

    @Test
    void aMembershipIsAddedThenItsRoleChangedThenRemoved() {
        users.putMembership("user-ada", "111111111111", Role.MEMBER, NOW);
        users.putMembership("user-ada", "111111111111", Role.OWNER, NOW);
        users.putMembership("user-ada", "222222222222", Role.MEMBER, NOW);

        assertThat(users.membershipsOf("user-ada")).containsExactly(
                new Membership("user-ada", "ada@example.com", "111111111111", "acme", Role.OWNER),
                new Membership("user-ada", "ada@example.com", "222222222222", "globex", Role.MEMBER));
        assertThat(users.removeMembership("user-ada", "111111111111")).isTrue();
        assertThat(users.removeMembership("user-ada", "111111111111")).isFalse();
        assertThat(users.membersOf("111111111111")).isEmpty();
    }

    @Test
    void anInviteIsUsedOnceEvenByConcurrentAcceptances() throws Exception {
        users.createInvite("hash-1", "user-ada", NOW, NOW.plus(Duration.ofDays(3)));
        List<Future<Optional<String>>> attempts = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < 4; i++) {
                attempts.add(pool.submit(() -> users.useInvite("hash-1", NOW.plusSeconds(1))));
            }
        }

        List<Optional<String>> results = new ArrayList<>();
        for (Future<Optional<String>> attempt : attempts) {
            results.add(attempt.get());
        }
        assertThat(results).filteredOn(Optional::isPresent).containsExactly(Optional.of("user-ada"));
    }

    @Test
    void anExpiredInviteIsNotUsed() {
        users.createInvite("hash-2", "user-ada", NOW, NOW.plus(Duration.ofDays(3)));

        assertThat(users.useInvite("hash-2", NOW.plus(Duration.ofDays(3)))).isEmpty();
        assertThat(users.useInvite("unknown", NOW)).isEmpty();
    }

    @Test
    void aSessionIsFoundByItsHashTouchedAndForgottenOnceEnded() {
        Session session = new Session("h", "user-ada", "csrf", NOW, NOW, NOW.plus(Duration.ofMinutes(30)),
                NOW.plus(Duration.ofHours(12)));
        sessions.insert(session);
        sessions.touch("h", NOW.plus(Duration.ofMinutes(20)), NOW.plus(Duration.ofMinutes(50)));

        assertThat(sessions.find("h")).get()
                .satisfies(s -> assertThat(s.lastSeenAt()).isEqualTo(NOW.plus(Duration.ofMinutes(20))))
                .satisfies(s -> assertThat(s.idleExpiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(50))))
                .satisfies(s -> assertThat(s.csrfToken()).isEqualTo("csrf"));
        assertThat(sessions.deleteEnded(NOW.plus(Duration.ofMinutes(49)))).isZero();
        assertThat(sessions.deleteEnded(NOW.plus(Duration.ofMinutes(50)))).isEqualTo(1);
        assertThat(sessions.find("h")).isEmpty();
    }

    @Test
    void everySessionOfAUserEndsAtOnce() {
        for (String hash : List.of("a", "b")) {
            sessions.insert(new Session(hash, "user-ada", "csrf", NOW, NOW, NOW.plusSeconds(60), NOW.plusSeconds(60)));
        }

        assertThat(sessions.deleteForUser("user-ada")).isEqualTo(2);
        assertThat(sessions.find("a")).isEmpty();
    }
}
