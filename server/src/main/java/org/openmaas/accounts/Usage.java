package org.openmaas.accounts;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import org.openmaas.accounts.model.AccountsException;
import org.openmaas.accounts.model.DailyUsage;
import org.openmaas.accounts.model.UsageFilter;
import org.openmaas.accounts.model.UsageRecord;
import org.openmaas.metering.Admission;
import org.openmaas.store.CredentialStore;
import org.openmaas.store.MeteringStore;

/**
 * What the accounts used: per day, account and product, or one record per request. Each read first commits this
 * instance's settlements of requests that have ended, so a client that has seen its stream end finds it settled.
 */
public final class Usage {

    private final CredentialStore credentials;
    private final MeteringStore metering;
    private final Admission admission;

    public Usage(CredentialStore credentials, MeteringStore metering, Admission admission) {
        this.credentials = credentials;
        this.metering = metering;
        this.admission = admission;
    }

    /** Usage per day, account and product, in that order. */
    public List<DailyUsage> daily(UsageFilter filter) {
        UsageFilter checked = checked(filter);
        admission.settleEnded();
        return metering.dailyUsage(checked);
    }

    /** Records matching {@code filter}, newest first, at most {@code limit}. */
    public List<UsageRecord> records(UsageFilter filter, int limit) {
        UsageFilter checked = checked(filter);
        admission.settleEnded();
        return metering.records(checked, limit);
    }

    public Optional<UsageRecord> record(String requestId) {
        admission.settleEnded();
        return metering.record(requestId);
    }

    /** The filter with its days as {@code YYYY-MM-DD}, once its account is known to exist and its days are in order. */
    private UsageFilter checked(UsageFilter filter) {
        if (filter.cloudAccountId() != null && !credentials.accountExists(filter.cloudAccountId())) {
            throw Accounts.notFound(filter.cloudAccountId());
        }
        String from = day("from", filter.fromDay());
        String to = day("to", filter.toDay());
        if (from != null && to != null && from.compareTo(to) > 0) {
            throw new AccountsException.Invalid("from (" + from + ") is after to (" + to + ")");
        }
        return new UsageFilter(filter.cloudAccountId(), filter.clientId(), filter.productName(), from, to);
    }

    private static String day(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return LocalDate.parse(value).toString();
        } catch (DateTimeParseException e) {
            throw new AccountsException.Invalid(name + " must be a day as YYYY-MM-DD, got '" + value + "'");
        }
    }
}
