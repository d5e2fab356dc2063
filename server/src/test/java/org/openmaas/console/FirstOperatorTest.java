package org.openmaas.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openmaas.store.CredentialStore;
import org.openmaas.store.Database;
import org.openmaas.store.SessionStore;
import org.openmaas.store.UserStore;
import org.openmaas.testing.TestDatabase;

/** The first start's operator link: made once, for the email the environment names. */
class FirstOperatorTest {

    private final TestDatabase db = TestDatabase.fresh(TestDatabase.Kind.H2);
    private final Users users;

    FirstOperatorTest() {
        Database database = db.open();
        users = new Users(new UserStore(database), new SessionStore(database), new CredentialStore(database),
                ConsoleSettings.DEFAULTS, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void aStoreWithoutOperatorsGetsOneForAdminAtLocalhostWithALinkAndTheNextStartNone() {
        Optional<Invitation> first = FirstOperator.ensure(users, Map.of());

        assertThat(first).get().satisfies(i -> assertThat(i.user().email()).isEqualTo("admin@localhost"))
                .satisfies(i -> assertThat(i.user().operator()).isTrue())
                .satisfies(i -> assertThat(i.path()).matches("/console/invite/[A-Za-z0-9_-]{43}"));
        assertThat(FirstOperator.ensure(users, Map.of())).isEmpty();
    }

    @Test
    void theEnvironmentNamesTheOperatorsEmail() {
        Optional<Invitation> first = FirstOperator.ensure(users, Map.of(FirstOperator.ENV_EMAIL, "Ops@Example.com"));

        assertThat(first).get().satisfies(i -> assertThat(i.user().email()).isEqualTo("ops@example.com"));
    }

    @Test
    void aMalformedEmailStopsTheStartNamingTheVariable() {
        assertThatThrownBy(() -> FirstOperator.ensure(users, Map.of(FirstOperator.ENV_EMAIL, "not an email")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(FirstOperator.ENV_EMAIL + ": ");
    }
}
