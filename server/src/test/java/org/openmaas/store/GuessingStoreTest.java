package org.openmaas.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.openmaas.testing.TestDatabase;

/** Reserved guessing attempts, on the embedded H2 file and on PostgreSQL alike. */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class GuessingStoreTest {

    static final int LIMIT = 10;
    static final long WINDOW = 29_000_000L;

    private final TestDatabase.Kind kind;

    GuessingStoreTest(TestDatabase.Kind kind) {
        this.kind = kind;
    }

    private TestDatabase db;
    private GuessingStore store;

    @BeforeEach
    void open() {
        db = TestDatabase.fresh(kind);
        store = new GuessingStore(db.open());
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void attemptsBeingCheckedHoldTheirPlacesUntilSettled() {
        for (int i = 0; i < LIMIT; i++) {
            assertThat(store.reserve("client:a", WINDOW, LIMIT)).isInstanceOf(GuessingStore.Reserved.class);
        }

        assertThat(store.reserve("client:a", WINDOW, LIMIT)).isEqualTo(new GuessingStore.Refused(0, LIMIT));
    }

    @Test
    void aRightSecretFreesItsPlaceAndAWrongOneKeepsItUntilTheWindowEnds() {
        GuessingStore.Reserved right = (GuessingStore.Reserved) store.reserve("client:a", WINDOW, LIMIT);
        store.settle(right, false);
        for (int i = 0; i < LIMIT; i++) {
            store.settle((GuessingStore.Reserved) store.reserve("client:a", WINDOW, LIMIT), true);
        }

        assertThat(store.reserve("client:a", WINDOW, LIMIT)).isEqualTo(new GuessingStore.Refused(LIMIT, 0));
        assertThat(store.reserve("client:b", WINDOW, LIMIT)).isInstanceOf(GuessingStore.Reserved.class);
        assertThat(store.reserve("client:a", WINDOW + 1, LIMIT)).isInstanceOf(GuessingStore.Reserved.class);
    }

    @Test
    void concurrentReservationsFromTwoPoolsGrantNoMoreThanTheLimit() throws Exception {
        // Two pools on one database, as two instances have.
        List<GuessingStore> instances = List.of(store, new GuessingStore(db.open()));
        CountDownLatch start = new CountDownLatch(1);
        List<Future<GuessingStore.Attempt>> attempts = new ArrayList<>();
        try (ExecutorService callers = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 4 * LIMIT; i++) {
                GuessingStore instance = instances.get(i % 2);
                attempts.add(callers.submit(() -> {
                    start.await();
                    return instance.reserve("client:a", WINDOW, LIMIT);
                }));
            }
            start.countDown();
        }

        long granted = 0;
        for (Future<GuessingStore.Attempt> attempt : attempts) {
            granted += attempt.get() instanceof GuessingStore.Reserved ? 1 : 0;
        }
        assertThat(granted).isEqualTo(LIMIT);
    }

    @Test
    void failuresWithoutAReservationAreCountedPerWindow() {
        assertThat(store.fail("address:192.0.2.1", WINDOW)).isEqualTo(1);
        assertThat(store.fail("address:192.0.2.1", WINDOW)).isEqualTo(2);
        assertThat(store.fail("address:192.0.2.1", WINDOW + 1)).isEqualTo(1);
    }

    @Test
    void forgottenWindowsStartAfresh() {
        store.fail("address:192.0.2.1", WINDOW);
        store.fail("address:192.0.2.1", WINDOW + 1);

        assertThat(store.forgetWindowsBefore(WINDOW + 1)).isEqualTo(1);
        assertThat(store.fail("address:192.0.2.1", WINDOW)).isEqualTo(1);
    }
}
