package org.openmaas.metering;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.openmaas.accounts.model.AdmissionState;
import org.openmaas.accounts.model.ClientLimits;
import org.openmaas.auth.Entitlements;
import org.openmaas.auth.Principal;
import org.openmaas.store.MeteringStore;
import org.openmaas.store.MeteringStore.Candidate;
import org.openmaas.store.MeteringStore.NewRecord;

/**
 * The one admission step of every generation route, whatever its wire format: checks that the account may use the
 * product (its entitlements), then the client's limits, and reserves the request's {@code max_new_tokens} against its account's monthly quota, atomically across every
 * instance, and opens the request's usage record. The returned {@link Ticket} settles the real counts once.
 *
 * <p>Windows are fixed calendar minutes (UTC) for the per-minute limits and calendar months (UTC) for the quota, both
 * taken from the injected clock; {@code Retry-After} is the time left in the window that refused.
 *
 * <p>A request may also {@linkplain #startEarly start early}: its engine starts while its admission runs, when what
 * this instance last saw of the client leaves it ample room (see {@link Headroom}), so that the admission's
 * transaction is not on the way to the first token. It is admitted all the same, before any token reaches the client.
 */
public final class Admission {

    private final Entitlements entitlements;
    private final MeteringStore store;
    /** Admissions that arrive together (clients that send their next requests at once) commit together. */
    private final GroupCommit<Candidate<RuntimeException>, Optional<RuntimeException>> admissions;
    private final Settlements settlements;
    private final UsageJournal journal;
    private final String instanceId;
    private final Clock clock;
    /** What each client's last admission on this instance saw, and its early starts still being admitted. */
    private final Map<String, Headroom> headroom = new ConcurrentHashMap<>();

    public Admission(Entitlements entitlements, MeteringStore store, UsageJournal journal, String instanceId,
                     Clock clock) {
        this(entitlements, store, journal, instanceId, clock, Settlements.WINDOW);
    }

    /** @param settlementWindow how long the settlements of requests that end together wait for each other */
    Admission(Entitlements entitlements, MeteringStore store, UsageJournal journal, String instanceId, Clock clock,
              Duration settlementWindow) {
        this.entitlements = entitlements;
        this.store = store;
        this.admissions = new GroupCommit<>(store::admit,
                candidate -> store.admit(candidate.record(), candidate.refusal()), store.transactionsAtOnce());
        this.settlements = new Settlements(store, journal, settlementWindow);
        this.journal = journal;
        this.instanceId = instanceId;
        this.clock = clock;
    }

    /**
     * Admits a request or says which limit refuses it.
     *
     * @throws NotEntitledException         when the account may not use the product
     * @throws LimitExceededException       when a limit refuses it for now
     * @throws RequestExceedsLimitException when it asks for more than a limit could ever admit
     */
    public Ticket admit(String requestId, Principal principal, String productName, int promptTokens, int maxNewTokens) {
        return admit(requestId, principal, productName, Claim.generation(promptTokens, maxNewTokens, 1));
    }

    /**
     * Admits a request that claims {@code claim} or says which limit refuses it.
     *
     * @throws NotEntitledException         when the account may not use the product
     * @throws LimitExceededException       when a limit refuses it for now
     * @throws RequestExceedsLimitException when it asks for more than a limit could ever admit
     */
    public Ticket admit(String requestId, Principal principal, String productName, Claim claim) {
        if (!entitlements.allows(principal.cloudAccountId(), productName)) {
            throw new NotEntitledException("cloud account " + principal.cloudAccountId()
                    + " is not entitled to product " + productName + "; an administrator can grant it");
        }
        Instant now = clock.instant();
        long window = now.getEpochSecond() / 60;
        NewRecord record = new NewRecord(requestId, principal.cloudAccountId(), principal.clientId(), productName,
                instanceId, claim.promptTokens(), claim.reservedTokens(), day(now), period(now), window, now,
                claim.kind(), claim.sequences());
        Candidate<RuntimeException> candidate = new Candidate<>(record, state -> {
            Optional<RuntimeException> refusal = refusal(record, claim, state, now);
            headroom(principal.clientId()).saw(state, refusal.isPresent() ? null : claim);
            return refusal;
        });
        long settledBefore = settlements.batches();
        Optional<RuntimeException> refused = admissions.run(candidate);
        if (refused.isPresent() && settlements.commitEnded(settledBefore)) {
            refused = admissions.run(candidate); // what it read may have counted requests that had ended
        }
        if (refused.isPresent()) {
            throw refused.get();
        }
        return new Ticket(requestId, store, settlements, clock);
    }

    /**
     * Commits the settlements of the requests that have ended on this instance (they commit a moment after their
     * responses end, see {@link Settlements}): before reading usage, and before the store closes.
     */
    public void settleEnded() {
        settlements.commitEnded(settlements.batches());
    }

    /**
     * Whether a request of {@code principal} claiming {@code claim} may start on its engine before it is admitted: when
     * the account may use the product and this client's last admission on this instance left every limit at most half
     * used, counting this claim and the early starts not yet admitted. The request must still be {@link #admit
     * admitted} before it sends anything, and then {@link EarlyStart#close closed}; refused, its engine work is
     * cancelled. So a client near or over a limit never makes an engine work for a request it is refused, and one
     * under half of its limits wastes at most the early starts that were in flight when another instance or a
     * burst used the other half.
     */
    public Optional<EarlyStart> startEarly(Principal principal, String productName, Claim claim) {
        if (!entitlements.allows(principal.cloudAccountId(), productName)) {
            return Optional.empty();
        }
        return headroom(principal.clientId()).startEarly(claim);
    }

    private Headroom headroom(String clientId) {
        return headroom.computeIfAbsent(clientId, id -> new Headroom());
    }

    /** An early start not yet admitted: counted against its client's room until closed. */
    public static final class EarlyStart implements AutoCloseable {

        private final Headroom headroom;
        private final Claim claim;
        private boolean closed;

        private EarlyStart(Headroom headroom, Claim claim) {
            this.headroom = headroom;
            this.claim = claim;
        }

        /** Its admission has run (admitted or refused): it no longer counts as in flight. */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                headroom.admitted(claim);
            }
        }
    }

    /**
     * One client's room as this instance last saw it: the state its last admission read, with that admission's claim
     * added when it was admitted, and the claims of early starts whose admission has not run yet. The state ages:
     * other instances, and this one's requests since, may have used more, and requests that ended have given some
     * back. Half of each limit is the margin for that, and a client this instance has not admitted yet has none.
     */
    static final class Headroom {

        private AdmissionState seen;
        private long requests;
        private long sequences;
        private long tokens;

        synchronized void saw(AdmissionState state, Claim admitted) {
            seen = admitted == null ? state
                    : state.plus(admitted.sequences(), 1, admitted.reservedTokens(), admitted.reservedTokens());
        }

        synchronized Optional<EarlyStart> startEarly(Claim claim) {
            if (seen == null || !seen.clientExists()) {
                return Optional.empty();
            }
            ClientLimits limits = seen.limits();
            long withTokens = tokens + claim.reservedTokens();
            boolean ample = halfOrLess(seen.openStreams() + sequences + claim.sequences(), limits.concurrentStreams())
                    && halfOrLess(seen.windowRequests() + requests + 1, limits.requestsPerMinute())
                    && halfOrLess(seen.windowTokens() + withTokens, limits.generatedTokensPerMinute())
                    && halfOrLess(seen.quotaUsed() + seen.quotaReserved() + withTokens, seen.monthlyQuota());
            if (!ample) {
                return Optional.empty();
            }
            requests++;
            sequences += claim.sequences();
            tokens = withTokens;
            return Optional.of(new EarlyStart(this, claim));
        }

        synchronized void admitted(Claim claim) {
            requests--;
            sequences -= claim.sequences();
            tokens -= claim.reservedTokens();
        }

        private static boolean halfOrLess(long used, Number limit) {
            return limit == null || used * 2 <= limit.longValue();
        }
    }

    /**
     * Settles what this instance left behind: first the journal's completions, then every record still open from
     * its previous run (a crash) as interrupted.
     *
     * @return the records marked interrupted
     */
    public int recover() {
        journal.replay();
        return store.interruptOpenRecords(instanceId, clock.instant());
    }

    /** Housekeeping, run now and then: replays the journal and forgets rate windows older than an hour. */
    public void housekeeping() {
        journal.replay();
        store.forgetWindowsBefore(clock.instant().getEpochSecond() / 60 - 60);
    }

    public UsageJournal journal() {
        return journal;
    }

    public String instanceId() {
        return instanceId;
    }

    /** The UTC month (YYYY-MM) whose quota an admission at {@code now} counts against. */
    public static String period(Instant now) {
        return now.atZone(ZoneOffset.UTC).toLocalDate().toString().substring(0, 7);
    }

    static String day(Instant now) {
        return now.atZone(ZoneOffset.UTC).toLocalDate().toString();
    }

    private static Optional<RuntimeException> refusal(NewRecord r, Claim claim, AdmissionState s, Instant now) {
        ClientLimits limits = s.limits();
        String client = "client '" + r.clientId() + "'";
        long minuteLeft = 60 - now.getEpochSecond() % 60;
        if (limits.concurrentStreams() != null && claim.sequences() > limits.concurrentStreams()) {
            return Optional.of(new RequestExceedsLimitException("n " + claim.sequences() + " asks for more "
                    + "generations at once than the limit of concurrent_streams (" + limits.concurrentStreams()
                    + ") of " + client + "; ask for at most " + limits.concurrentStreams()));
        }
        if (limits.concurrentStreams() != null && s.openStreams() + claim.sequences() > limits.concurrentStreams()) {
            return Optional.of(new LimitExceededException("concurrent_streams", client + " already runs "
                    + s.openStreams() + " generation(s), its limit of concurrent_streams is "
                    + limits.concurrentStreams() + "; retry when one ends", 1));
        }
        if (limits.requestsPerMinute() != null && s.windowRequests() >= limits.requestsPerMinute()) {
            return Optional.of(new LimitExceededException("requests_per_minute", client
                    + " reached its limit of requests_per_minute (" + limits.requestsPerMinute() + "); retry in "
                    + minuteLeft + " s", minuteLeft));
        }
        Integer tpm = limits.generatedTokensPerMinute();
        if (tpm != null && r.reservedTokens() > tpm) {
            return Optional.of(new RequestExceedsLimitException(claim.described()
                    + " exceeds the limit of generated_tokens_per_minute (" + tpm + ") of " + client
                    + "; ask for at most " + tpm));
        }
        if (tpm != null && s.windowTokens() + r.reservedTokens() > tpm) {
            return Optional.of(new LimitExceededException("generated_tokens_per_minute", client
                    + " reached its limit of generated_tokens_per_minute (" + tpm + "): " + s.windowTokens()
                    + " counted this minute and this request reserves " + claim.described()
                    + "; retry in " + minuteLeft + " s", minuteLeft));
        }
        Long quota = s.monthlyQuota();
        if (quota != null && s.quotaUsed() + s.quotaReserved() + r.reservedTokens() > quota) {
            long left = Math.max(0, quota - s.quotaUsed() - s.quotaReserved());
            ZonedDateTime nextMonth = LocalDate.parse(r.usageDay()).withDayOfMonth(1).plusMonths(1)
                    .atStartOfDay(ZoneOffset.UTC);
            long untilReset = nextMonth.toEpochSecond() - now.getEpochSecond();
            return Optional.of(new LimitExceededException("monthly_generated_tokens", "cloud account "
                    + r.cloudAccountId() + " has " + left + " tokens left of its monthly_generated_tokens quota (" + quota
                    + ": " + s.quotaUsed() + " used, " + s.quotaReserved() + " reserved by running requests)"
                    + ", fewer than this request's " + claim.described()
                    + "; ask for fewer tokens or retry after the quota resets on " + nextMonth.toLocalDate(), untilReset));
        }
        return Optional.empty();
    }
}
