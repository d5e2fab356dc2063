package org.openmaas.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.openmaas.accounts.model.AdmissionState;
import org.openmaas.accounts.model.ClientLimits;
import org.openmaas.accounts.model.DailyUsage;
import org.openmaas.accounts.model.UsageFilter;
import org.openmaas.accounts.model.UsageKind;
import org.openmaas.accounts.model.UsageRecord;

/**
 * Usage records, monthly quota reservations and rate-limit windows: the counters every instance shares.
 *
 * <p>Admission is one transaction that first locks the client's row, so admissions of one client apply one after
 * the other on every instance, then locks the account's quota row for the month, so the account's clients cannot
 * together overrun its quota. Settlement closes an open record and moves its reservation to the used count in one
 * transaction, and only if the record was still open: each request is settled exactly once.
 */
public final class MeteringStore {

    public static final String OPEN = "open";
    public static final String FINISHED = "finished";
    public static final String CANCELLED = "cancelled";
    public static final String FAILED = "failed";
    public static final String INTERRUPTED = "interrupted";

    /**
     * A record to open at admission.
     *
     * @param sequences streams the request counts against its client's concurrent_streams (OpenAI's {@code n})
     */
    public record NewRecord(String requestId, String cloudAccountId, String clientId, String productName,
                            String instanceId, int promptTokens, int reservedTokens, String usageDay,
                            String quotaPeriod, long rateWindow, Instant startedAt, UsageKind kind, int sequences) {
        public NewRecord {
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(cloudAccountId, "cloudAccountId");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(kind, "kind");
            if (sequences < 1) throw new IllegalArgumentException("sequences must be >= 1: " + sequences);
        }

        /** One generated sequence. */
        public NewRecord(String requestId, String cloudAccountId, String clientId, String productName,
                         String instanceId, int promptTokens, int reservedTokens, String usageDay, String quotaPeriod,
                         long rateWindow, Instant startedAt) {
            this(requestId, cloudAccountId, clientId, productName, instanceId, promptTokens, reservedTokens, usageDay,
                    quotaPeriod, rateWindow, startedAt, UsageKind.GENERATION, 1);
        }
    }

    /** How a request ended. */
    public record Completion(String requestId, String status, String finishReason, String errorMessage,
                             Integer promptTokens, int generatedTokens, Long timeToFirstTokenMs, long durationMs,
                             Instant completedAt) {
        public Completion {
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(completedAt, "completedAt");
        }
    }

    /** What a record holds of its client's rate window and its account's quota, and its counts so far. */
    private record Reservation(String clientId, String cloudAccountId, int reservedTokens, String quotaPeriod,
                               long rateWindow, int promptTokens, int generatedTokens, UsageKind kind, String status) {
    }

    /** A client's rate-window row, ordered as settlements lock them. */
    private record RateRow(String counterKey, long window) implements Comparable<RateRow> {
        private static final Comparator<RateRow> ORDER =
                Comparator.comparing(RateRow::counterKey).thenComparingLong(RateRow::window);

        static RateRow of(NewRecord record) {
            return new RateRow(clientCounter(record.clientId()), record.rateWindow());
        }

        @Override
        public int compareTo(RateRow other) {
            return ORDER.compare(this, other);
        }
    }

    /** An account's quota row for a month, ordered as settlements lock them. */
    private record QuotaRow(String account, String period) implements Comparable<QuotaRow> {
        private static final Comparator<QuotaRow> ORDER =
                Comparator.comparing(QuotaRow::account).thenComparing(QuotaRow::period);

        static QuotaRow of(NewRecord record) {
            return new QuotaRow(record.cloudAccountId(), record.quotaPeriod());
        }

        @Override
        public int compareTo(QuotaRow other) {
            return ORDER.compare(this, other);
        }
    }

    /** What admissions claim of a counter row: requests (of a rate window) and reserved tokens. */
    private record Claimed(long requests, long tokens) {
        static final Claimed NONE = new Claimed(0, 0);

        static Claimed of(NewRecord record) {
            return new Claimed(1, record.reservedTokens());
        }

        Claimed plus(Claimed other) {
            return new Claimed(requests + other.requests, tokens + other.tokens);
        }
    }

    /** What settled records give back to a counter row (their reservations) and what they are charged instead. */
    private record Owed(long reserved, long charged) {
        Owed plus(Owed other) {
            return new Owed(reserved + other.reserved, charged + other.charged);
        }
    }

    /** A counter row this instance took to exist is gone (deleted since it saw it): the admission runs again. */
    private static final class CounterRowMissing extends RuntimeException {
        CounterRowMissing() {
            super(null, null, false, false);
        }
    }

    private final Database database;
    /**
     * The counter rows this instance knows exist, so that an admission need not look for them first: the month's
     * quota row of each account and the current minute's rate row of each client (one entry each, replaced when the
     * month or the minute moves on). Rows are only deleted by housekeeping, an hour after their minute; should one be
     * gone all the same, the admission finds it missing, and creates it and runs again.
     */
    private final Map<String, String> quotaRowPeriods = new ConcurrentHashMap<>();
    private final Map<String, Long> counterRowWindows = new ConcurrentHashMap<>();

    public MeteringStore(Database database) {
        this.database = database;
    }

    /**
     * How many transactions of admissions, and as many of settlements, are worth committing at once: H2 writes one
     * transaction at a time, while PostgreSQL's proceed side by side, each waiting for its own WAL flush. Two each
     * leave half of an instance's 8 connections to everything else.
     */
    public int transactionsAtOnce() {
        return database.kind() == Database.Kind.H2 ? 1 : 2;
    }

    /** One admission of a batch: {@code record} to open unless {@code refusal} refuses it given the state it sees. */
    public record Candidate<R>(NewRecord record, Function<AdmissionState, Optional<R>> refusal) {
    }

    /**
     * Opens {@code record} and reserves its tokens, unless {@code refusal} refuses it given the current state.
     *
     * @return the refusal, when there was one (nothing was written)
     */
    public <R> Optional<R> admit(NewRecord record, Function<AdmissionState, Optional<R>> refusal) {
        return admit(List.of(new Candidate<>(record, refusal))).getFirst();
    }

    /**
     * Admits {@code candidates} in one transaction, each as {@link #admit(NewRecord, Function)} admits one and in their
     * order: each sees the counts with the candidates admitted before it. A group commit for requests that arrive
     * together. The rows are locked kind by kind, each kind in key order: the clients' rows, then their rate rows, then
     * the quota rows, counted up by what every candidate claims and given back what the refused ones claimed.
     * Settlements take rate rows before quota rows as well, so no two transactions, of this instance or another, wait
     * for each other in a cycle.
     *
     * @return each candidate's refusal, when it had one (nothing of it was written), in the candidates' order
     */
    public <R> List<Optional<R>> admit(List<Candidate<R>> candidates) {
        candidates.forEach(candidate -> ensureCounterRows(candidate.record()));
        try {
            return database.inTransaction(h -> admit(h, candidates));
        } catch (CounterRowMissing gone) {
            for (Candidate<R> candidate : candidates) {
                quotaRowPeriods.remove(candidate.record().cloudAccountId());
                counterRowWindows.remove(clientCounter(candidate.record().clientId()));
            }
            candidates.forEach(candidate -> ensureCounterRows(candidate.record()));
            return database.inTransaction(h -> admit(h, candidates));
        }
    }

    private static <R> List<Optional<R>> admit(Handle h, List<Candidate<R>> candidates) {
        Map<String, Optional<ClientLimits>> limits = new TreeMap<>();
        Map<RateRow, Claimed> claimedRates = new TreeMap<>();
        Map<QuotaRow, Claimed> claimedQuotas = new TreeMap<>();
        for (Candidate<R> candidate : candidates) {
            NewRecord record = candidate.record();
            limits.put(record.clientId(), Optional.empty());
            claimedRates.merge(RateRow.of(record), Claimed.of(record), Claimed::plus);
            claimedQuotas.merge(QuotaRow.of(record), Claimed.of(record), Claimed::plus);
        }
        limits.replaceAll((client, none) -> lockClient(h, client));
        // The counters are counted first and read after, taken back for the refused: an UPDATE locks its row as a
        // SELECT ... FOR UPDATE did, and the one read after is no locking read, which H2 keeps parsed (it parses
        // every FOR UPDATE query anew). So each row is read once, after the locks on the clients.
        count(h, claimedRates, claimedQuotas, 1);
        List<Optional<R>> refusals = new ArrayList<>(candidates.size());
        Map<RateRow, Claimed> admittedRates = new HashMap<>();
        Map<QuotaRow, Claimed> admittedQuotas = new HashMap<>();
        Map<String, Long> admittedStreams = new HashMap<>();
        Map<RateRow, Claimed> refusedRates = new TreeMap<>();
        Map<QuotaRow, Claimed> refusedQuotas = new TreeMap<>();
        Map<List<Object>, AdmissionState> before = new HashMap<>(); // by rate and quota row: read once each
        for (Candidate<R> candidate : candidates) {
            NewRecord record = candidate.record();
            RateRow rate = RateRow.of(record);
            QuotaRow quota = QuotaRow.of(record);
            AdmissionState batchBefore = before.computeIfAbsent(List.of(rate, quota), rows -> read(h, record,
                    limits.get(record.clientId()), claimedRates.get(rate), claimedQuotas.get(quota)));
            Claimed rateSoFar = admittedRates.getOrDefault(rate, Claimed.NONE);
            Claimed quotaSoFar = admittedQuotas.getOrDefault(quota, Claimed.NONE);
            AdmissionState seen = batchBefore.plus(admittedStreams.getOrDefault(record.clientId(), 0L),
                    rateSoFar.requests(), rateSoFar.tokens(), quotaSoFar.tokens());
            Optional<R> refused = candidate.refusal().apply(seen);
            refusals.add(refused);
            Claimed claimed = Claimed.of(record);
            if (refused.isPresent()) {
                refusedRates.merge(rate, claimed, Claimed::plus);
                refusedQuotas.merge(quota, claimed, Claimed::plus);
            } else {
                admittedRates.merge(rate, claimed, Claimed::plus);
                admittedQuotas.merge(quota, claimed, Claimed::plus);
                admittedStreams.merge(record.clientId(), (long) record.sequences(), Long::sum);
            }
        }
        if (refusals.stream().allMatch(Optional::isPresent)) {
            h.rollback();
            return refusals;
        }
        count(h, refusedRates, refusedQuotas, -1);
        for (int i = 0; i < candidates.size(); i++) {
            if (refusals.get(i).isEmpty()) {
                open(h, candidates.get(i).record());
            }
        }
        return refusals;
    }

    private static Optional<ClientLimits> lockClient(Handle h, String clientId) {
        return h.createQuery("""
                        SELECT requests_per_minute, generated_tokens_per_minute, concurrent_streams
                        FROM clients WHERE client_id = :client FOR UPDATE""")
                .bind("client", clientId)
                .map((rs, ctx) -> new ClientLimits(CredentialStore.integer(rs, "requests_per_minute"),
                        CredentialStore.integer(rs, "generated_tokens_per_minute"),
                        CredentialStore.integer(rs, "concurrent_streams")))
                .findOne();
    }

    /**
     * Counts {@code sign} times the claims on each rate row, then each quota row, in key order.
     *
     * @throws CounterRowMissing when a row is gone (deleted since this instance saw it)
     */
    private static void count(Handle h, Map<RateRow, Claimed> rates, Map<QuotaRow, Claimed> quotas, int sign) {
        rates.forEach((row, claimed) -> {
            if (h.createUpdate("""
                            UPDATE rate_counters SET hits = hits + :hits, tokens = tokens + :tokens
                            WHERE counter_key = :key AND window_start = :window""")
                    .bind("key", row.counterKey()).bind("window", row.window())
                    .bind("hits", sign * claimed.requests()).bind("tokens", sign * claimed.tokens())
                    .execute() == 0) {
                throw new CounterRowMissing();
            }
        });
        quotas.forEach((row, claimed) -> {
            if (h.createUpdate("""
                            UPDATE quota_usage SET reserved_tokens = reserved_tokens + :tokens
                            WHERE cloud_account_id = :account AND period = :period""")
                    .bind("account", row.account()).bind("period", row.period())
                    .bind("tokens", sign * claimed.tokens()).execute() == 0) {
                throw new CounterRowMissing();
            }
        });
    }

    /**
     * The state {@code record}'s rows were in before this transaction counted {@code rate} and {@code quota}, the
     * whole batch's claims on them (its open streams were not opened yet).
     */
    private static AdmissionState read(Handle h, NewRecord record, Optional<ClientLimits> limits, Claimed rate,
                                       Claimed quota) {
        return h.createQuery("""
                        SELECT r.hits, r.tokens, q.used_tokens, q.reserved_tokens,
                            (SELECT monthly_generated_tokens FROM cloud_accounts WHERE id = :account) AS quota,
                            (SELECT COALESCE(SUM(sequences), 0) FROM usage_records
                             WHERE status = 'open' AND client_id = :client) AS open_streams
                        FROM rate_counters r, quota_usage q
                        WHERE r.counter_key = :key AND r.window_start = :window
                            AND q.cloud_account_id = :account AND q.period = :period""")
                .bind("key", clientCounter(record.clientId())).bind("window", record.rateWindow())
                .bind("client", record.clientId())
                .bind("account", record.cloudAccountId()).bind("period", record.quotaPeriod())
                .map((rs, ctx) -> new AdmissionState(limits.isPresent(), limits.orElse(ClientLimits.NONE),
                        CredentialStore.bigint(rs, "quota"), rs.getLong("open_streams"),
                        rs.getLong("hits") - rate.requests(), rs.getLong("tokens") - rate.tokens(),
                        rs.getLong("used_tokens"), rs.getLong("reserved_tokens") - quota.tokens()))
                .one();
    }

    private static void open(Handle h, NewRecord record) {
        h.createUpdate("""
                        INSERT INTO usage_records (request_id, cloud_account_id, client_id, product_name, instance_id,
                            status, prompt_tokens, reserved_tokens, generated_tokens, usage_day, quota_period,
                            rate_window, started_at, kind, sequences)
                        VALUES (:requestId, :account, :client, :product, :instance, 'open', :prompt, :reserved, 0,
                            :day, :period, :window, :started, :kind, :sequences)""")
                .bind("requestId", record.requestId()).bind("account", record.cloudAccountId())
                .bind("client", record.clientId()).bind("product", record.productName())
                .bind("instance", record.instanceId()).bind("prompt", record.promptTokens())
                .bind("reserved", record.reservedTokens()).bind("day", record.usageDay())
                .bind("period", record.quotaPeriod()).bind("window", record.rateWindow())
                .bind("started", CredentialStore.utc(record.startedAt()))
                .bind("kind", record.kind().label()).bind("sequences", record.sequences())
                .execute();
    }

    /**
     * Closes an open record and settles its reservation: the month's quota and the rate window count the generated
     * tokens instead of the reserved ones.
     *
     * @return false when the record was not open (settled before, or unknown): nothing changed
     */
    public boolean complete(Completion completion) {
        return complete(List.of(completion)).contains(completion.requestId());
    }

    /**
     * Closes the open records among {@code completions} in one transaction, each as {@link #complete(Completion)}
     * closes one: a group commit for requests that end together. The records are locked in request-id order, then
     * the rate rows, then the quota rows, each in key order and each changed once by what its records owe. An
     * admission takes a client's rate row before its account's quota row as well, so no two transactions, of this
     * instance or another, wait for each other in a cycle (the other way round a settlement and an admission of the
     * same client deadlocked, and the database rolled one back).
     *
     * @return the request ids whose records were open and are now closed
     */
    public Set<String> complete(List<Completion> completions) {
        List<Completion> inOrder = completions.stream().sorted(Comparator.comparing(Completion::requestId)).toList();
        return database.inTransaction(h -> {
            Set<String> closed = new HashSet<>();
            Map<RateRow, Owed> rates = new TreeMap<>();
            Map<QuotaRow, Owed> quotas = new TreeMap<>();
            for (Completion completion : inOrder) {
                Optional<Reservation> closedNow = close(h, completion);
                if (closedNow.isEmpty()) {
                    continue;
                }
                Reservation record = closedNow.get();
                Owed owed = new Owed(record.reservedTokens(),
                        record.kind().charged(record.promptTokens(), record.generatedTokens()));
                rates.merge(new RateRow(clientCounter(record.clientId()), record.rateWindow()), owed, Owed::plus);
                quotas.merge(new QuotaRow(record.cloudAccountId(), record.quotaPeriod()), owed, Owed::plus);
                closed.add(completion.requestId());
            }
            rates.forEach((row, owed) -> h.createUpdate("""
                            UPDATE rate_counters SET tokens = tokens - :reserved + :generated
                            WHERE counter_key = :key AND window_start = :window""")
                    .bind("key", row.counterKey()).bind("window", row.window())
                    .bind("reserved", owed.reserved()).bind("generated", owed.charged()).execute());
            quotas.forEach((row, owed) -> h.createUpdate("""
                            UPDATE quota_usage SET reserved_tokens = reserved_tokens - :reserved,
                                used_tokens = used_tokens + :generated
                            WHERE cloud_account_id = :account AND period = :period""")
                    .bind("account", row.account()).bind("period", row.period())
                    .bind("reserved", owed.reserved()).bind("generated", owed.charged()).execute());
            return closed;
        });
    }

    /**
     * Closes {@code completion}'s record if it is still open, and returns it as closed: its counts are the
     * completion's, or its last checkpoint's where that knew more. The UPDATE locks the row, and of two transactions
     * closing one record the second waits for the first's lock and then finds it closed (both databases check the WHERE
     * again once they hold the lock), so a record is settled once. The plain read after it is a statement H2 keeps
     * parsed, where it parses every locking read anew.
     */
    private static Optional<Reservation> close(Handle h, Completion completion) {
        int updated = h.createUpdate("""
                        UPDATE usage_records SET status = :status, finish_reason = :reason, error_message = :error,
                            prompt_tokens = COALESCE(:prompt, prompt_tokens),
                            generated_tokens = GREATEST(:generated, generated_tokens),
                            time_to_first_token_ms = COALESCE(:ttft, time_to_first_token_ms),
                            duration_ms = :duration, completed_at = :completed
                        WHERE request_id = :requestId AND status = 'open'""")
                .bind("requestId", completion.requestId()).bind("status", completion.status())
                .bind("reason", completion.finishReason())
                .bind("error", truncate(completion.errorMessage()))
                .bind("prompt", completion.promptTokens())
                .bind("generated", completion.generatedTokens()).bind("ttft", completion.timeToFirstTokenMs())
                .bind("duration", completion.durationMs())
                .bind("completed", CredentialStore.utc(completion.completedAt()))
                .execute();
        return updated == 0 ? Optional.empty() : reservation(h, completion.requestId());
    }

    /**
     * Takes back an open record as if its request had never been admitted: the record goes, and so do its hit in
     * the client's rate window and its reservation of the month's quota. For a request refused before any work was
     * done (the engine's queue was full), which is a refusal to count, not usage to keep.
     *
     * @return false when the record was not open (settled before, or unknown): nothing changed
     */
    public boolean withdraw(String requestId) {
        return database.inTransaction(h -> {
            // What it reserved never changes while it is open; the DELETE takes it only if it still is (see close()).
            Optional<Reservation> open = reservation(h, requestId).filter(r -> OPEN.equals(r.status()));
            if (open.isEmpty() || h.createUpdate(
                            "DELETE FROM usage_records WHERE request_id = :requestId AND status = 'open'")
                    .bind("requestId", requestId).execute() == 0) {
                return false;
            }
            Reservation r = open.get();
            // The rate counter before the quota row, in the order admit() locks them (see complete()).
            h.createUpdate("""
                            UPDATE rate_counters SET hits = hits - 1, tokens = tokens - :reserved
                            WHERE counter_key = :key AND window_start = :window""")
                    .bind("key", clientCounter(r.clientId())).bind("window", r.rateWindow())
                    .bind("reserved", r.reservedTokens()).execute();
            h.createUpdate("""
                            UPDATE quota_usage SET reserved_tokens = reserved_tokens - :reserved
                            WHERE cloud_account_id = :account AND period = :period""")
                    .bind("account", r.cloudAccountId()).bind("period", r.quotaPeriod())
                    .bind("reserved", r.reservedTokens()).execute();
            return true;
        });
    }

    /** Notes a running request's progress, so that a crash leaves what was known. */
    public void checkpoint(String requestId, int generatedTokens, Long timeToFirstTokenMs) {
        database.useHandle(h -> h.createUpdate("""
                        UPDATE usage_records SET generated_tokens = :generated,
                            time_to_first_token_ms = COALESCE(:ttft, time_to_first_token_ms)
                        WHERE request_id = :requestId AND status = 'open'""")
                .bind("requestId", requestId).bind("generated", generatedTokens).bind("ttft", timeToFirstTokenMs)
                .execute());
    }

    /**
     * Closes every record that {@code instanceId} left open (it stopped without settling them: a crash) as
     * interrupted, charging the tokens its last checkpoint knew of.
     *
     * @return how many records were closed
     */
    public int interruptOpenRecords(String instanceId, Instant now) {
        List<UsageRecord> open = database.withHandle(h -> recordQuery(h,
                        "WHERE instance_id = :instance AND status = 'open'")
                .bind("instance", instanceId).map((rs, ctx) -> record(rs)).list());
        return complete(open.stream().map(record -> new Completion(record.requestId(), INTERRUPTED, null,
                "the server stopped before the request ended", null, record.generatedTokens(), null,
                Math.max(0, now.toEpochMilli() - record.startedAt().toEpochMilli()), now)).toList()).size();
    }

    public Optional<UsageRecord> record(String requestId) {
        return database.withHandle(h -> recordQuery(h, "WHERE request_id = :id").bind("id", requestId)
                .map((rs, ctx) -> record(rs)).findOne());
    }

    /** Records matching {@code filter}, newest first, at most {@code limit}. */
    public List<UsageRecord> records(UsageFilter filter, int limit) {
        return database.withHandle(h -> {
            Query query = recordQuery(h, where(filter) + " ORDER BY started_at DESC, request_id");
            bind(query, filter);
            query.setMaxRows(limit);
            return query.map((rs, ctx) -> record(rs)).list();
        });
    }

    /** Usage per day, account and product, in that order. */
    public List<DailyUsage> dailyUsage(UsageFilter filter) {
        return database.withHandle(h -> {
            Query query = h.createQuery("""
                    SELECT usage_day, cloud_account_id, product_name, COUNT(*) AS requests,
                        SUM(prompt_tokens) AS prompt_tokens, SUM(generated_tokens) AS generated_tokens,
                        SUM(CASE WHEN status = 'finished' THEN 1 ELSE 0 END) AS finished,
                        SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END) AS cancelled,
                        SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed,
                        SUM(CASE WHEN status = 'interrupted' THEN 1 ELSE 0 END) AS interrupted,
                        SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END) AS open_requests
                    FROM usage_records""" + where(filter) + """

                    GROUP BY usage_day, cloud_account_id, product_name
                    ORDER BY usage_day, cloud_account_id, product_name""");
            bind(query, filter);
            return query.map((rs, ctx) -> new DailyUsage(rs.getString(1), rs.getString(2), rs.getString(3),
                    rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9),
                    rs.getLong(10), rs.getLong(11))).list();
        });
    }

    /** An account's generated tokens in a month: {used, reserved}. */
    public long[] quotaUsage(String accountId, String period) {
        return database.withHandle(h -> h.createQuery("""
                        SELECT used_tokens, reserved_tokens FROM quota_usage
                        WHERE cloud_account_id = :account AND period = :period""")
                .bind("account", accountId).bind("period", period)
                .map((rs, ctx) -> new long[]{rs.getLong(1), rs.getLong(2)}).findOne().orElse(new long[]{0, 0}));
    }

    /** Forgets rate windows that ended before {@code window}. */
    public int forgetWindowsBefore(long window) {
        return database.withHandle(h -> h.createUpdate("DELETE FROM rate_counters WHERE window_start < :window")
                .bind("window", window).execute());
    }

    /** What a record reserved, its counts and its status. */
    private static Optional<Reservation> reservation(Handle h, String requestId) {
        return h.createQuery("""
                        SELECT client_id, cloud_account_id, reserved_tokens, quota_period, rate_window, prompt_tokens,
                            generated_tokens, kind, status
                        FROM usage_records WHERE request_id = :requestId""")
                .bind("requestId", requestId)
                .map((rs, ctx) -> new Reservation(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                        rs.getLong(5), rs.getInt(6), rs.getInt(7), UsageKind.of(rs.getString(8)), rs.getString(9)))
                .findOne();
    }

    /**
     * Creates the account's quota row for the record's month and the client's rate row for its minute, where this
     * instance has not seen them yet: outside the admission's transaction, which PostgreSQL would abort on the
     * duplicate key of another instance that inserted one first.
     */
    private void ensureCounterRows(NewRecord record) {
        if (!record.quotaPeriod().equals(quotaRowPeriods.get(record.cloudAccountId()))) {
            database.ensureRow("SELECT COUNT(*) FROM quota_usage WHERE cloud_account_id = :a AND period = :b",
                    "INSERT INTO quota_usage (cloud_account_id, period, used_tokens, reserved_tokens) VALUES (:a, :b, 0, 0)",
                    record.cloudAccountId(), record.quotaPeriod());
            quotaRowPeriods.put(record.cloudAccountId(), record.quotaPeriod());
        }
        String counter = clientCounter(record.clientId());
        if (counterRowWindows.getOrDefault(counter, Long.MIN_VALUE) != record.rateWindow()) {
            database.ensureRow("SELECT COUNT(*) FROM rate_counters WHERE counter_key = :a AND window_start = :b",
                    "INSERT INTO rate_counters (counter_key, window_start, hits, tokens) VALUES (:a, :b, 0, 0)",
                    counter, record.rateWindow());
            counterRowWindows.put(counter, record.rateWindow());
        }
    }

    private static String clientCounter(String clientId) {
        return "client:" + clientId;
    }

    private static Query recordQuery(Handle h, String where) {
        return h.createQuery("""
                SELECT request_id, cloud_account_id, client_id, product_name, instance_id, status, finish_reason,
                    error_message, prompt_tokens, reserved_tokens, generated_tokens, time_to_first_token_ms,
                    duration_ms, usage_day, started_at, completed_at, kind, sequences
                FROM usage_records""" + " " + where);
    }

    private static UsageRecord record(ResultSet rs) throws SQLException {
        return new UsageRecord(rs.getString("request_id"), rs.getString("cloud_account_id"), rs.getString("client_id"),
                rs.getString("product_name"), rs.getString("instance_id"), rs.getString("status"),
                rs.getString("finish_reason"), rs.getString("error_message"), rs.getInt("prompt_tokens"),
                rs.getInt("reserved_tokens"), rs.getInt("generated_tokens"),
                CredentialStore.bigint(rs, "time_to_first_token_ms"), CredentialStore.bigint(rs, "duration_ms"),
                rs.getString("usage_day"), CredentialStore.instant(rs, "started_at"),
                CredentialStore.instant(rs, "completed_at"), UsageKind.of(rs.getString("kind")),
                rs.getInt("sequences"));
    }

    private static String where(UsageFilter f) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        if (f.cloudAccountId() != null) where.append(" AND cloud_account_id = :account");
        if (f.clientId() != null) where.append(" AND client_id = :client");
        if (f.productName() != null) where.append(" AND product_name = :product");
        if (f.fromDay() != null) where.append(" AND usage_day >= :from");
        if (f.toDay() != null) where.append(" AND usage_day <= :to");
        return where.toString();
    }

    private static void bind(Query query, UsageFilter f) {
        query.bind("account", f.cloudAccountId()).bind("client", f.clientId()).bind("product", f.productName())
                .bind("from", f.fromDay()).bind("to", f.toDay());
    }

    private static String truncate(String message) {
        return message == null || message.length() <= 1000 ? message : message.substring(0, 997) + "...";
    }
}
