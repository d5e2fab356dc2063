package org.openmaas.api.admin;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.openmaas.accounts.Usage;
import org.openmaas.accounts.model.DailyUsage;
import org.openmaas.accounts.model.UsageFilter;
import org.openmaas.accounts.model.UsageRecord;
import org.openmaas.api.ApiException;
import org.openmaas.auth.SigningKeys;
import org.openmaas.metrics.Refusals;

/**
 * Usage ({@code /v1/admin/usage}: per day, account and product; {@code /v1/admin/usage/records}: one per request;
 * {@code /v1/admin/usage/refusals}: requests refused before any work, per client, since this instance started) and
 * the token signing keys ({@code /v1/admin/signing-keys}, {@code POST /v1/admin/signing-keys/rotate}).
 */
public final class UsageAdminApi implements HttpService {

    static final int DEFAULT_RECORDS = 100;
    static final int MAX_RECORDS = 10_000;
    private static final Set<String> FILTERS = Set.of("account", "client", "product", "from", "to");

    private final Usage usage;
    private final SigningKeys keys;
    private final Refusals refusals;

    UsageAdminApi(Usage usage, SigningKeys keys, Refusals refusals) {
        this.usage = usage;
        this.keys = keys;
        this.refusals = refusals;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v1/admin/usage", this::usage)
                .get("/v1/admin/usage/records", this::records)
                .get("/v1/admin/usage/refusals", this::refusals)
                .get("/v1/admin/signing-keys", this::signingKeys)
                .post("/v1/admin/signing-keys/rotate", this::rotateKey);
    }

    record UsageList(List<DailyUsageJson> usage) {
    }

    record DailyUsageJson(String day, String cloud_account_id, String product_name, long requests, long prompt_tokens,
                          long generated_tokens, long finished, long cancelled, long failed, long interrupted,
                          long open) {
        static DailyUsageJson of(DailyUsage u) {
            return new DailyUsageJson(u.day(), u.cloudAccountId(), u.productName(), u.requests(), u.promptTokens(),
                    u.generatedTokens(), u.finished(), u.cancelled(), u.failed(), u.interrupted(), u.open());
        }
    }

    record RecordList(List<RecordJson> records) {
    }

    record RecordJson(String request_id, String cloud_account_id, String client_id, String product_name,
                      String status, String finish_reason, String error, int prompt_tokens, int reserved_tokens,
                      int generated_tokens, Long time_to_first_token_ms, Long duration_ms, String started_at,
                      String completed_at, String kind, int sequences) {
        static RecordJson of(UsageRecord r) {
            return new RecordJson(r.requestId(), r.cloudAccountId(), r.clientId(), r.productName(), r.status(),
                    r.finishReason(), r.errorMessage(), r.promptTokens(), r.reservedTokens(), r.generatedTokens(),
                    r.timeToFirstTokenMs(), r.durationMs(), AdminGate.iso(r.startedAt()), AdminGate.iso(r.completedAt()),
                    r.kind().label(), r.sequences());
        }
    }

    /** Refusals are counted by each instance in memory: this list is the answering instance's since it started. */
    record RefusalList(List<RefusalJson> refusals) {
    }

    record RefusalJson(String client_id, String product_name, String reason, long refused) {
        static RefusalJson of(Refusals.Count c) {
            return new RefusalJson(c.clientId(), c.productName(), c.reason(), c.refused());
        }
    }

    record KeyList(List<KeyJson> keys) {
    }

    record KeyJson(String key_id, String created_at, String retired_at, String verifies_until, boolean signing) {
        static KeyJson of(SigningKeys.KeyInfo k) {
            return new KeyJson(k.keyId(), AdminGate.iso(k.createdAt()), AdminGate.iso(k.retiredAt()),
                    AdminGate.iso(k.verifiesUntil()), k.signing());
        }
    }

    private void usage(ServerRequest req, ServerResponse res) {
        AdminGate.onlyQuery(req, FILTERS);
        AdminGate.send(res, new UsageList(usage.daily(filter(req)).stream().map(DailyUsageJson::of).toList()));
    }

    private void records(ServerRequest req, ServerResponse res) {
        Set<String> allowed = new HashSet<>(FILTERS);
        allowed.addAll(Set.of("request_id", "limit"));
        AdminGate.onlyQuery(req, allowed);
        String requestId = AdminGate.query(req, "request_id");
        if (requestId != null) {
            AdminGate.send(res, new RecordList(usage.record(requestId).map(RecordJson::of).stream().toList()));
            return;
        }
        int limit = DEFAULT_RECORDS;
        String given = AdminGate.query(req, "limit");
        if (given != null) {
            try {
                limit = Integer.parseInt(given);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_RECORDS) {
                throw new ApiException.InvalidArgument("limit must be between 1 and " + MAX_RECORDS + ", got '" + given + "'");
            }
        }
        AdminGate.send(res, new RecordList(usage.records(filter(req), limit).stream().map(RecordJson::of).toList()));
    }

    private void refusals(ServerRequest req, ServerResponse res) {
        AdminGate.onlyQuery(req, Set.of("client"));
        AdminGate.send(res, new RefusalList(refusals.counts(AdminGate.query(req, "client")).stream()
                .map(RefusalJson::of).toList()));
    }

    private void signingKeys(ServerRequest req, ServerResponse res) {
        AdminGate.send(res, new KeyList(keys.list().stream().map(KeyJson::of).toList()));
    }

    private void rotateKey(ServerRequest req, ServerResponse res) {
        keys.rotate();
        AdminGate.send(res, new KeyList(keys.list().stream().map(KeyJson::of).toList()));
    }

    private static UsageFilter filter(ServerRequest req) {
        return new UsageFilter(AdminGate.query(req, "account"), AdminGate.query(req, "client"),
                AdminGate.query(req, "product"), AdminGate.query(req, "from"), AdminGate.query(req, "to"));
    }
}
