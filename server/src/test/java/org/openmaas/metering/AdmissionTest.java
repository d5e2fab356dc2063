package org.openmaas.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.openmaas.accounts.model.Client;
import org.openmaas.accounts.model.AdmissionState;
import org.openmaas.accounts.model.ClientLimits;
import org.openmaas.accounts.model.ProductGrants;
import org.openmaas.accounts.model.UsageKind;
import org.openmaas.accounts.model.UsageRecord;
import org.openmaas.auth.Entitlements;
import org.openmaas.auth.Principal;
import org.openmaas.store.CredentialStore;
import org.openmaas.store.Database;
import org.openmaas.store.MeteringStore;
import org.openmaas.testing.MutableClock;
import org.openmaas.testing.TestDatabase;

/** Limits, quota reservations and exactly-once settlement, on the embedded H2 file and on PostgreSQL alike. */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class AdmissionTest {

    static final String ACCOUNT = "111111111111";
    static final String PRODUCT = "maas-model-x";

    private final TestDatabase.Kind kind;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:10Z"));
    private final AtomicInteger ids = new AtomicInteger();
    private TestDatabase db;
    private Database database;
    private CredentialStore credentials;
    private MeteringStore metering;
    private Admission admission;

    AdmissionTest(TestDatabase.Kind kind) {
        this.kind = kind;
    }

    @BeforeEach
    void open() {
        db = TestDatabase.fresh(kind);
        database = db.open();
        credentials = new CredentialStore(database);
        metering = new MeteringStore(database);
        credentials.createAccount(ACCOUNT, "acme", clock.instant());
        for (String client : List.of("app", "other")) {
            credentials.createClient(new Client(client, ACCOUNT, client, "hash", Set.of("inference"), true),
                    clock.instant());
        }
        admission = admission("instance-a");
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void aProductTheAccountIsNotEntitledToIsRefusedBeforeAnythingIsReserved() {
        credentials.setGrants(ACCOUNT, new ProductGrants(false, Set.of("maas-model-other")));

        assertThatThrownBy(() -> admit("app", 10)).isInstanceOf(NotEntitledException.class)
                .hasMessageContaining("not entitled to product " + PRODUCT);
        assertThat(metering.quotaUsage(ACCOUNT, "2026-11")).containsExactly(0, 0);
    }

    @Test
    void aBurstOfConcurrentRequestsNeverReservesMoreThanTheMonthlyQuota() throws Exception {
        credentials.setMonthlyQuota(ACCOUNT, 1000L);
        int requests = 24;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(12)) {
            for (int i = 0; i < requests; i++) {
                String client = i % 2 == 0 ? "app" : "other";
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        admit(client, 100);
                        return true;
                    } catch (LimitExceededException e) {
                        return false;
                    }
                }));
            }
            start.countDown();
            int admitted = 0;
            for (Future<Boolean> result : results) {
                admitted += result.get() ? 1 : 0;
            }
            assertThat(admitted).isEqualTo(10);
        }
        assertThat(metering.quotaUsage(ACCOUNT, "2026-11")).containsExactly(0, 1000);
    }

    @Test
    void requestsAdmittedWhileOthersOfTheSameClientSettleNeverDeadlock() throws Exception {
        // Admission and settlement both lock the client's rate counter and the account's quota row; taken in
        // opposite orders they deadlocked and the database rolled a request back (HTTP 500 under a burst).
        int threads = 8;
        int rounds = 40;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> workers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    start.await();
                    for (int round = 0; round < rounds; round++) {
                        admit("app", 10).finished(3, 4, "FINISH_REASON_LENGTH");
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> worker : workers) {
                worker.get();
            }
        }
        admission.settleEnded();
        assertThat(metering.quotaUsage(ACCOUNT, "2026-11")).containsExactly(threads * rounds * 4, 0);
    }

    @Test
    void settlingMovesTheReservationToTheActualCountExactlyOnce() {
        credentials.setMonthlyQuota(ACCOUNT, 1000L);
        Ticket ticket = admit("app", 300);

        ticket.finished(5, 120, "FINISH_REASON_EOS_TOKEN");
        ticket.cancelled(200);
        admission.settleEnded();

        assertThat(metering.quotaUsage(ACCOUNT, "2026-11")).containsExactly(120, 0);
        UsageRecord record = metering.record(ticket.requestId()).orElseThrow();
        assertThat(record.status()).isEqualTo("finished");
        assertThat(record.generatedTokens()).isEqualTo(120);
        assertThat(record.finishReason()).isEqualTo("FINISH_REASON_EOS_TOKEN");
    }

    @Test
    void completionsCommittedTogetherCloseEachOpenRecordOnceAndChargeEachCounterTheirSum() {
        credentials.setMonthlyQuota(ACCOUNT, 1000L);
        Ticket settledBefore = admit("app", 100);
        settledBefore.finished(3, 7, "FINISH_REASON_LENGTH");
        admission.settleEnded();
        List<Ticket> open = List.of(admit("app", 100), admit("app", 100), admit("other", 100));

        Set<String> closed = metering.complete(List.of(completion(open.get(2), 30), completion(settledBefore, 99),
                completion(open.get(0), 10), completion(open.get(1), 20), completion(open.get(0), 77)));

        assertThat(closed).containsExactlyInAnyOrder(open.get(0).requestId(), open.get(1).requestId(),
                open.get(2).requestId());
        assertThat(metering.quotaUsage(ACCOUNT, "2026-11")).containsExactly(7 + 10 + 20 + 30, 0);
        assertThat(metering.record(open.get(0).requestId()).orElseThrow().generatedTokens()).isEqualTo(10);
        assertThat(metering.record(settledBefore.requestId()).orElseThrow().generatedTokens()).isEqualTo(7);
    }

    @Test
    void candidatesAdmittedTogetherEachSeeTheCountsOfThoseAdmittedBeforeThemAndTheRefusedLeaveNothing() {
        admit("app", 10); // one open stream, one request and 10 tokens of this minute, 10 reserved
        List<AdmissionState> seen = new ArrayList<>();
        Function<AdmissionState, Optional<String>> twoStreamsAtMost = state -> {
            seen.add(state);
            return state.openStreams() >= 2 ? Optional.of("streams") : Optional.empty();
        };

        List<MeteringStore.Candidate<String>> candidates = List.of(candidate("app", 100, twoStreamsAtMost),
                candidate("other", 7, twoStreamsAtMost), candidate("app", 1000, twoStreamsAtMost),
                candidate("other", 5, twoStreamsAtMost));

        List<Optional<String>> refusals = metering.admit(candidates);

        assertThat(refusals).containsExactly(Optional.empty(), Optional.empty(), Optional.of("streams"),
                Optional.empty());
        assertThat(seen).extracting(AdmissionState::openStreams).containsExactly(1L, 0L, 2L, 1L);
        assertThat(seen).extracting(AdmissionState::windowRequests).containsExactly(1L, 0L, 2L, 1L);
        assertThat(seen).extracting(AdmissionState::windowTokens).containsExactly(10L, 0L, 110L, 7L);
        assertThat(seen).extracting(AdmissionState::quotaReserved).containsExactly(10L, 110L, 117L, 117L);
        assertThat(metering.quotaUsage(ACCOUNT, "2026-11")).containsExactly(0, 10 + 100 + 7 + 5);
        assertThat(metering.record(candidates.get(2).record().requestId())).isEmpty();
        // the refused candidate's request and tokens were given back to the rate window
        credentials.setClientLimits("app", new ClientLimits(3, 111, null));
        admit("app", 1);
    }

    @Test
    void streamsThatEndTogetherAreEachSettledExactlyOnce() throws Exception {
        int streams = 16;
        List<Ticket> tickets = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            tickets.add(admit(i % 2 == 0 ? "app" : "other", 100));
        }
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> ends = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(streams)) {
            for (int i = 0; i < streams; i++) {
                Ticket ticket = tickets.get(i);
                int generated = i + 1;
                ends.add(pool.submit(() -> {
                    start.await();
                    ticket.finished(3, generated, "FINISH_REASON_LENGTH");
                    ticket.cancelled(1000);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> end : ends) {
                end.get();
            }
        }
        admission.settleEnded();
        assertThat(metering.quotaUsage(ACCOUNT, "2026-11")).containsExactly(streams * (streams + 1) / 2, 0);
        assertThat(tickets).allSatisfy(ticket ->
                assertThat(metering.record(ticket.requestId()).orElseThrow().status()).isEqualTo("finished"));
    }

    @Test
    void aSettlementThatWaitsForAnotherOnItsRecordFindsItClosedAndChargesNothing() throws Exception {
        credentials.setMonthlyQuota(ACCOUNT, 1000L);
        Ticket ticket = admit("app", 100);
        try (var other = database.jdbi().open(); ExecutorService pool = Executors.newSingleThreadExecutor()) {
            // Another instance's settlement of the same record, holding its row lock until it commits.
            other.begin();
            other.createUpdate("""
                            UPDATE usage_records SET status = 'finished', generated_tokens = 7
                            WHERE request_id = :id""")
                    .bind("id", ticket.requestId()).execute();
            Future<Set<String>> late = pool.submit(() -> metering.complete(List.of(completion(ticket, 50))));
            awaitOneSessionWaitingForALock();
            other.commit();

            assertThat(late.get()).isEmpty();
        }
        UsageRecord record = metering.record(ticket.requestId()).orElseThrow();
        assertThat(record.status()).isEqualTo("finished");
        assertThat(record.generatedTokens()).isEqualTo(7);
        assertThat(metering.quotaUsage(ACCOUNT, "2026-11")).containsExactly(0, 100); // untouched by the late one
    }

    /** Waits until a session of the test's database waits for a row lock: the late settlement has reached it. */
    private void awaitOneSessionWaitingForALock() throws InterruptedException {
        String waiting = kind == TestDatabase.Kind.H2
                ? "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID IS NOT NULL"
                : "SELECT COUNT(*) FROM pg_stat_activity"
                        + " WHERE datname = current_database() AND wait_event_type = 'Lock'";
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (database.jdbi().withHandle(h -> h.createQuery(waiting).mapTo(Long.class).one()) == 0) {
            assertThat(Instant.now()).as("a session waiting for the row lock").isBefore(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void aWithdrawnRequestLeavesNoRecordAndGivesBackItsRateWindowHitAndItsReservation() {
        credentials.setMonthlyQuota(ACCOUNT, 300L);
        credentials.setClientLimits("app", new ClientLimits(1, 300, null));
        Ticket ticket = admit("app", 300);

        ticket.withdraw("the model's wait queue is full");

        assertThat(metering.record(ticket.requestId())).isEmpty();
        assertThat(metering.quotaUsage(ACCOUNT, "2026-11")).containsExactly(0, 0);
        assertThat(admit("app", 300)).as("the minute's one request and its tokens are free again").isNotNull();
    }

    @Test
    void aSettledRequestIsNotWithdrawnAndAWithdrawnOneIsNotSettled() {
        Ticket settled = admit("app", 100);
        settled.finished(3, 40, "FINISH_REASON_LENGTH");
        Ticket withdrawn = admit("app", 100);
        withdrawn.withdraw("the model's wait queue is full");

        settled.withdraw("too late");
        withdrawn.failed(0, "too late");
        admission.settleEnded();

        assertThat(metering.record(settled.requestId()).orElseThrow().status()).isEqualTo("finished");
        assertThat(metering.record(withdrawn.requestId())).isEmpty();
        assertThat(metering.withdraw(settled.requestId())).isFalse();
        assertThat(metering.quotaUsage(ACCOUNT, "2026-11")).containsExactly(40, 0);
    }

    @Test
    void aRequestThatWouldOverrunTheQuotaIsRefusedWithTheLimitNamedAndRetryAfterTheMonthEnds() {
        credentials.setMonthlyQuota(ACCOUNT, 150L);
        admit("app", 100).finished(1, 100, "FINISH_REASON_LENGTH");

        assertThatThrownBy(() -> admit("app", 100)).isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("monthly_generated_tokens").hasMessageContaining("50 tokens left")
                .satisfies(e -> assertThat(((LimitExceededException) e).retryAfterSeconds())
                        .isEqualTo(Duration.between(clock.instant(), Instant.parse("2026-12-01T00:00:00Z")).toSeconds()));
    }

    @Test
    void theQuotaResetsWithTheCalendarMonth() {
        credentials.setMonthlyQuota(ACCOUNT, 100L);
        admit("app", 100).finished(1, 100, "FINISH_REASON_LENGTH");
        clock.advance(Duration.ofDays(4));

        assertThat(admit("app", 100)).isNotNull();
    }

    @Test
    void theRequestsPerMinuteLimitRefusesTheNextRequestUntilTheMinuteEnds() {
        credentials.setClientLimits("app", new ClientLimits(2, null, null));
        admit("app", 10).finished(1, 10, "FINISH_REASON_LENGTH");
        admit("app", 10).finished(1, 10, "FINISH_REASON_LENGTH");

        assertThatThrownBy(() -> admit("app", 10)).isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("requests_per_minute (2)")
                .satisfies(e -> assertThat(((LimitExceededException) e).retryAfterSeconds()).isEqualTo(50));
        admit("other", 10);
        clock.advance(Duration.ofSeconds(50));
        assertThat(admit("app", 10)).isNotNull();
    }

    @Test
    void theGeneratedTokensPerMinuteLimitCountsReservationsAndThenTheActualTokens() {
        credentials.setClientLimits("app", new ClientLimits(null, 300, null));
        Ticket first = admit("app", 200);

        assertThatThrownBy(() -> admit("app", 200)).isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("generated_tokens_per_minute (300)");
        first.finished(1, 20, "FINISH_REASON_EOS_TOKEN");
        assertThat(admit("app", 200)).isNotNull();
    }

    @Test
    void aRequestAskingForMoreTokensThanTheMinuteAllowsIsRefusedAsInvalid() {
        credentials.setClientLimits("app", new ClientLimits(null, 300, null));

        assertThatThrownBy(() -> admit("app", 301)).isInstanceOf(RequestExceedsLimitException.class)
                .hasMessageContaining("ask for at most 300");
    }

    @Test
    void theConcurrentStreamsLimitCountsOpenRequestsUntilTheyAreSettled() {
        credentials.setClientLimits("app", new ClientLimits(null, null, 2));
        Ticket first = admit("app", 10);
        admit("app", 10);

        assertThatThrownBy(() -> admit("app", 10)).isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("concurrent_streams is 2");
        first.cancelled(3);
        assertThat(admit("app", 10)).isNotNull();
    }

    @Test
    void aRequestThatEndedIsNeverCountedAgainstTheClientsNextWhileItsSettlementWaitsToCommit() {
        credentials.setMonthlyQuota(ACCOUNT, 100L);
        credentials.setClientLimits("app", new ClientLimits(null, null, 1));
        Ticket first = admit("app", 100);
        first.finished(3, 40, "FINISH_REASON_LENGTH");
        assertThat(metering.record(first.requestId()).orElseThrow().status()).as("settlement not committed yet")
                .isEqualTo("open");

        Ticket next = admit("app", 60);

        assertThat(metering.record(first.requestId()).orElseThrow().status()).isEqualTo("finished");
        assertThat(metering.record(next.requestId()).orElseThrow().status()).isEqualTo("open");
        assertThat(metering.quotaUsage(ACCOUNT, "2026-11")).containsExactly(40, 60);
    }

    @Test
    void aSettlementCommitsWithinMillisecondsOfTheEndWithoutBeingAskedFor() throws InterruptedException {
        Admission serving = new Admission(new Entitlements(credentials, clock), metering,
                new UsageJournal(db.dir(), metering), "instance-a", clock);
        Ticket ticket = serving.admit("req-s", principal("app"), PRODUCT, 3, 100);

        ticket.finished(3, 12, "FINISH_REASON_LENGTH");

        Instant deadline = Instant.now().plus(Duration.ofSeconds(30)); // the window is 10 ms; a busy machine is slow
        while (metering.record(ticket.requestId()).orElseThrow().status().equals("open")) {
            assertThat(Instant.now()).as("the settlement committed").isBefore(deadline);
            Thread.sleep(5);
        }
        assertThat(metering.record(ticket.requestId()).orElseThrow().generatedTokens()).isEqualTo(12);
    }

    @Test
    void nChoicesCountAsNStreamsAndReserveNTimesTheirTokens() {
        credentials.setClientLimits("app", new ClientLimits(null, null, 3));
        Ticket two = admission("instance-a").admit("req-n", principal("app"), PRODUCT, Claim.generation(5, 10, 2));

        assertThat(metering.record(two.requestId()).orElseThrow().reservedTokens()).isEqualTo(20);
        assertThatThrownBy(() -> admission("instance-a").admit("req-m", principal("app"), PRODUCT,
                Claim.generation(5, 10, 2))).isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("concurrent_streams is 3");
        assertThatThrownBy(() -> admission("instance-a").admit("req-big", principal("app"), PRODUCT,
                Claim.generation(5, 10, 4))).isInstanceOf(RequestExceedsLimitException.class)
                .hasMessageContaining("n 4 asks for more generations at once than the limit of concurrent_streams (3)");
        assertThat(admit("app", 10)).isNotNull();
    }

    @Test
    void embeddingsAreChargedTheirInputTokens() {
        credentials.setMonthlyQuota(ACCOUNT, 1000L);
        Admission embedding = admission("instance-a");
        Ticket embedded = embedding.admit("req-e", principal("app"), PRODUCT, Claim.embeddings(12));

        embedded.finished(12, 0, null);
        embedding.settleEnded();

        UsageRecord record = metering.record(embedded.requestId()).orElseThrow();
        assertThat(record.kind()).isEqualTo(UsageKind.EMBEDDINGS);
        assertThat(record.promptTokens()).isEqualTo(12);
        assertThat(record.generatedTokens()).isZero();
        assertThat(metering.quotaUsage(ACCOUNT, "2026-11")).containsExactly(12, 0);
    }

    @Test
    void aRateWindowRowDeletedAfterThisInstanceSawItIsCreatedAgainByTheNextAdmission() {
        admit("app", 10);
        // Housekeeping by an instance whose clock runs an hour ahead: this minute's row goes.
        metering.forgetWindowsBefore(clock.instant().getEpochSecond() / 60 + 1);

        Ticket again = admit("app", 10);

        assertThat(metering.record(again.requestId()).orElseThrow().status()).isEqualTo("open");
    }

    @Test
    void aRunningRequestsCountReachesTheStoreEveryFewSecondsFromItsAdmissionNotAtItsFirstToken() {
        Ticket ticket = admit("app", 100);
        clock.advance(Duration.ofMillis(300));
        ticket.progress(1);

        assertThat(metering.record(ticket.requestId()).orElseThrow().generatedTokens()).isZero();

        clock.advance(Ticket.CHECKPOINT_EVERY.minusMillis(300));
        ticket.progress(7);
        clock.advance(Duration.ofMillis(500));
        ticket.progress(9);

        UsageRecord checkpointed = metering.record(ticket.requestId()).orElseThrow();
        assertThat(checkpointed.generatedTokens()).isEqualTo(7);
        assertThat(checkpointed.timeToFirstTokenMs()).isEqualTo(300);
    }

    @Test
    void aRequestSettledBeforeItsFirstCheckpointKeepsItsTimeToFirstToken() {
        Ticket ticket = admit("app", 100);
        clock.advance(Duration.ofMillis(40));
        ticket.progress(1);
        clock.advance(Duration.ofMillis(60));

        ticket.finished(3, 2, "FINISH_REASON_LENGTH");
        admission.settleEnded();

        UsageRecord record = metering.record(ticket.requestId()).orElseThrow();
        assertThat(record.timeToFirstTokenMs()).isEqualTo(40);
        assertThat(record.durationMs()).isEqualTo(100);
    }

    @Test
    void recoveryClosesTheRecordsThisInstanceLeftOpenAsInterruptedWithTheirLastCheckpoint() {
        credentials.setMonthlyQuota(ACCOUNT, 1000L);
        Ticket crashed = admit("app", 100);
        clock.advance(Ticket.CHECKPOINT_EVERY);
        crashed.progress(1);
        Ticket otherInstance = admission("instance-b").admit("req-b", principal("other"), PRODUCT, 3, 50);

        assertThat(admission("instance-a").recover()).isEqualTo(1);

        UsageRecord record = metering.record(crashed.requestId()).orElseThrow();
        assertThat(record.status()).isEqualTo("interrupted");
        assertThat(record.generatedTokens()).isEqualTo(1);
        assertThat(record.promptTokens()).isEqualTo(3);
        assertThat(metering.record(otherInstance.requestId()).orElseThrow().status()).isEqualTo("open");
        assertThat(metering.quotaUsage(ACCOUNT, "2026-11")).containsExactly(1, 50);
    }

    @Test
    void aCompletionTheStoreCannotTakeIsJournalledAndReplayedLater() {
        Ticket ticket = admit("app", 100);
        database.close();
        MeteringStore broken = new MeteringStore(database);
        UsageJournal journal = new UsageJournal(db.dir(), broken);
        Settlements settlements = new Settlements(broken, journal, Duration.ofDays(1));
        Ticket detached = new Ticket(ticket.requestId(), broken, settlements, clock);

        detached.finished(3, 42, "FINISH_REASON_LENGTH");
        settlements.commitEnded(settlements.batches());

        assertThat(journal.pending()).isEqualTo(1);
        MeteringStore reopened = new MeteringStore(db.open());
        assertThat(new UsageJournal(db.dir(), reopened).replay()).isZero();
        assertThat(reopened.record(ticket.requestId()).orElseThrow().generatedTokens()).isEqualTo(42);
    }

    @Test
    void aClientThisInstanceHasNotAdmittedYetDoesNotStartEarly() {
        assertThat(admission.startEarly(principal("app"), PRODUCT, Claim.generation(3, 10, 1))).isEmpty();
    }

    @Test
    void aClientWithoutLimitsStartsEarlyOnceThisInstanceHasAdmittedIt() {
        admit("app", 10);

        assertThat(admission.startEarly(principal("app"), PRODUCT, Claim.generation(3, 10, 1))).isPresent();
        assertThat(admission.startEarly(principal("other"), PRODUCT, Claim.generation(3, 10, 1))).isEmpty();
    }

    @Test
    void earlyStartsStopAtHalfOfALimitCountingThoseNotYetAdmitted() {
        credentials.setClientLimits("app", new ClientLimits(6, null, null));
        admit("app", 10); // 1 of 6 requests this minute

        Optional<Admission.EarlyStart> second = admission.startEarly(principal("app"), PRODUCT,
                Claim.generation(3, 10, 1));
        Optional<Admission.EarlyStart> third = admission.startEarly(principal("app"), PRODUCT,
                Claim.generation(3, 10, 1));

        assertThat(second).isPresent();
        assertThat(third).as("3 of 6 with the two early ones").isPresent();
        assertThat(admission.startEarly(principal("app"), PRODUCT, Claim.generation(3, 10, 1)))
                .as("a fourth would be past half").isEmpty();
        third.get().close();
        assertThat(admission.startEarly(principal("app"), PRODUCT, Claim.generation(3, 10, 1)))
                .as("the third's admission ran and was not admitted: its place is free").isPresent();
    }

    @Test
    void aClientPastHalfOfItsConcurrentStreamsOrItsAccountsQuotaDoesNotStartEarly() {
        credentials.setClientLimits("app", new ClientLimits(null, null, 4));
        credentials.setMonthlyQuota(ACCOUNT, 1000L);
        admit("app", 100);

        assertThat(admission.startEarly(principal("app"), PRODUCT, Claim.generation(3, 100, 1)))
                .as("2 of 4 streams, 200 of 1000 tokens").isPresent();
        assertThat(admission.startEarly(principal("app"), PRODUCT, Claim.generation(3, 100, 2)))
                .as("3 of 4 streams").isEmpty();
        assertThat(admission.startEarly(principal("app"), PRODUCT, Claim.generation(3, 400, 1)))
                .as("500 + 100 + 100 of 1000 tokens").isEmpty();
    }

    @Test
    void aRefusalSeenByThisInstanceStopsEarlyStartsUntilAnAdmissionSeesRoomAgain() {
        credentials.setClientLimits("app", new ClientLimits(100, null, null));
        admit("app", 10);
        credentials.setClientLimits("app", new ClientLimits(1, null, null)); // lowered by an administrator

        assertThatThrownBy(() -> admit("app", 10)).isInstanceOf(LimitExceededException.class);
        assertThat(admission.startEarly(principal("app"), PRODUCT, Claim.generation(3, 10, 1))).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        credentials.setClientLimits("app", ClientLimits.NONE);
        admit("app", 10);
        assertThat(admission.startEarly(principal("app"), PRODUCT, Claim.generation(3, 10, 1))).isPresent();
    }

    @Test
    void aProductTheAccountIsNotEntitledToNeverStartsEarly() {
        admit("app", 10);
        credentials.setGrants(ACCOUNT, new ProductGrants(false, Set.of("maas-model-other")));
        clock.advance(Duration.ofSeconds(10)); // past the entitlements' cache

        assertThat(admission.startEarly(principal("app"), PRODUCT, Claim.generation(3, 10, 1))).isEmpty();
    }

    /** Its settlements commit when something asks for them, never on their own: {@link Admission#settleEnded}. */
    private Admission admission(String instance) {
        return new Admission(new Entitlements(credentials, clock), metering, new UsageJournal(db.dir(), metering),
                instance, clock, Duration.ofDays(1));
    }

    private Ticket admit(String client, int maxNewTokens) {
        return admission.admit("req-" + ids.incrementAndGet(), principal(client), PRODUCT, 3, maxNewTokens);
    }

    private MeteringStore.Candidate<String> candidate(String client, int reservedTokens,
                                                      Function<AdmissionState, Optional<String>> refusal) {
        return new MeteringStore.Candidate<>(new MeteringStore.NewRecord("batch-" + ids.incrementAndGet(), ACCOUNT,
                client, PRODUCT, "instance-a", 3, reservedTokens, "2026-11-27", "2026-11",
                clock.instant().getEpochSecond() / 60, clock.instant()), refusal);
    }

    private MeteringStore.Completion completion(Ticket ticket, int generated) {
        return new MeteringStore.Completion(ticket.requestId(), MeteringStore.FINISHED, "FINISH_REASON_LENGTH", null,
                3, generated, 5L, 20, clock.instant());
    }

    private static Principal principal(String client) {
        return new Principal(client, ACCOUNT, Set.of("inference"));
    }
}
