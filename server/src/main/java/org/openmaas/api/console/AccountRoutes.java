package org.openmaas.api.console;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.openmaas.accounts.Accounts;
import org.openmaas.accounts.Usage;
import org.openmaas.accounts.model.ClientLimits;
import org.openmaas.accounts.model.DailyUsage;
import org.openmaas.accounts.model.QuotaUsage;
import org.openmaas.accounts.model.UsageFilter;
import org.openmaas.api.ApiException;
import org.openmaas.auth.AccessToken;
import org.openmaas.auth.Entitlements;
import org.openmaas.catalog.Catalog;
import org.openmaas.catalog.CatalogEntry;
import org.openmaas.catalog.ModelSource;
import org.openmaas.console.AccountCredentials;
import org.openmaas.console.Users;
import org.openmaas.store.CredentialStore;

/**
 * What a member sees of their account: its models ({@code GET .../models}), a playground token
 * ({@code POST .../playground-token}) and its usage ({@code GET .../usage}, {@code .../usage.csv}), under
 * {@code /console/api/accounts/{acct}}.
 */
final class AccountRoutes implements HttpService {

    /** The days usage covers when the query names none: the last 30, today included. */
    static final int DEFAULT_DAYS = 30;
    private static final String ACCOUNT = ConsoleHttp.API + "/accounts/{acct}";

    private final Users users;
    private final CredentialStore store;
    private final Catalog catalog;
    private final Entitlements entitlements;
    private final AccountCredentials credentials;
    private final Accounts accounts;
    private final Usage usage;
    private final Clock clock;

    AccountRoutes(Users users, CredentialStore store, Catalog catalog, Entitlements entitlements,
                  AccountCredentials credentials, Accounts accounts, Usage usage, Clock clock) {
        this.users = users;
        this.store = store;
        this.catalog = catalog;
        this.entitlements = entitlements;
        this.credentials = credentials;
        this.accounts = accounts;
        this.usage = usage;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get(ACCOUNT + "/models", this::models)
                .post(ACCOUNT + "/playground-token", this::playgroundToken)
                .get(ACCOUNT + "/usage", this::usage)
                .get(ACCOUNT + "/usage.csv", this::usageCsv);
    }

    /**
     * @param engine   {@code embedded} (llama.cpp in this process) or {@code remote}
     * @param chat     whether {@code /v1/chat/completions} takes it (a chat template)
     * @param openai   whether the OpenAI-compatible routes take it (every product: {@code /v1/completions})
     */
    record ModelJson(String product_name, String product_id, String model_name, int context_length, String engine,
                     boolean chat, boolean openai, boolean embeddings) {
        static ModelJson of(CatalogEntry e) {
            return new ModelJson(e.product().productName(), e.product().productId().toString(),
                    e.product().modelName(), e.engine().model().contextLength(),
                    e.config().source() instanceof ModelSource.Remote ? "remote" : "embedded",
                    e.engine().model().hasChatTemplate(), true, false);
        }
    }

    record ModelList(List<ModelJson> models) {
    }

    record TokenJson(String access_token, String token_type, long expires_in) {
    }

    record UsageJson(String from, String to, List<DayJson> days, QuotaJson quota, List<LimitsJson> limits) {
    }

    record DayJson(String day, String product_name, long requests, long prompt_tokens, long generated_tokens) {
        static DayJson of(DailyUsage u) {
            return new DayJson(u.day(), u.productName(), u.requests(), u.promptTokens(), u.generatedTokens());
        }
    }

    /** @param monthly_tokens null: unlimited; @param used_this_month settled plus reserved by running requests */
    record QuotaJson(Long monthly_tokens, String period, long used_this_month) {
        static QuotaJson of(QuotaUsage q) {
            return new QuotaJson(q.monthlyGeneratedTokens(), q.period(), q.usedTokens() + q.reservedTokens());
        }
    }

    /** One client's rate limits (null: unlimited): the platform limits per client, not per account. */
    record LimitsJson(String client_id, String name, Integer requests_per_minute, Integer generated_tokens_per_minute,
                      Integer concurrent_streams) {
    }

    private void models(ServerRequest req, ServerResponse res) {
        AccountAccess access = AccountAccess.of(req, users, store);
        ConsoleHttp.send(res, new ModelList(catalog.entries().stream()
                .filter(e -> entitlements.allows(access.accountId(), e.product().productName()))
                .map(ModelJson::of).toList()));
    }

    private void playgroundToken(ServerRequest req, ServerResponse res) {
        AccessToken token = credentials.playgroundToken(AccountAccess.of(req, users, store).accountId());
        ConsoleHttp.send(res, new TokenJson(token.value(), "Bearer", token.expiresInSeconds()));
    }

    private void usage(ServerRequest req, ServerResponse res) {
        String account = AccountAccess.of(req, users, store).accountId();
        UsageFilter filter = filter(req, account);
        List<LimitsJson> limits = credentials.clients(account).stream().map(c -> {
            ClientLimits l = c.limits();
            return new LimitsJson(c.clientId(), c.name(), l.requestsPerMinute(), l.generatedTokensPerMinute(),
                    l.concurrentStreams());
        }).toList();
        ConsoleHttp.send(res, new UsageJson(filter.fromDay(), filter.toDay(),
                usage.daily(filter).stream().map(DayJson::of).toList(), QuotaJson.of(accounts.quota(account)), limits));
    }

    private void usageCsv(ServerRequest req, ServerResponse res) {
        String account = AccountAccess.of(req, users, store).accountId();
        UsageFilter filter = filter(req, account);
        StringBuilder csv = new StringBuilder("day,product_name,requests,prompt_tokens,generated_tokens\r\n");
        for (DailyUsage u : usage.daily(filter)) {
            csv.append(u.day()).append(',').append(csvField(u.productName())).append(',').append(u.requests())
                    .append(',').append(u.promptTokens()).append(',').append(u.generatedTokens()).append("\r\n");
        }
        res.header(HeaderNames.CONTENT_TYPE, "text/csv; charset=utf-8");
        res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"usage-" + account + "-" + filter.fromDay()
                + "-to-" + filter.toDay() + ".csv\"");
        res.send(csv.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The account's days from {@code from} to {@code to} (inclusive), the last {@value #DEFAULT_DAYS} by default. */
    private UsageFilter filter(ServerRequest req, String account) {
        for (String name : req.query().names()) {
            if (!name.equals("from") && !name.equals("to")) {
                throw new ApiException.InvalidArgument("unknown query parameter '" + name
                        + "'; allowed: from, to (days as YYYY-MM-DD)", name);
            }
        }
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        String to = ConsoleHttp.query(req, "to");
        String from = ConsoleHttp.query(req, "from");
        return new UsageFilter(account, null, null, from != null ? from : today.minusDays(DEFAULT_DAYS - 1).toString(),
                to != null ? to : today.toString());
    }

    /**
     * A CSV field quoted when it must be, and with a leading quote mark when a spreadsheet would take it for a
     * formula (product names are the operator's, but a file people open should not run anything).
     */
    static String csvField(String value) {
        String safe = !value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        return safe.contains(",") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")
                ? "\"" + safe.replace("\"", "\"\"") + "\"" : safe;
    }
}
