package org.openmaas.accounts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.openmaas.accounts.model.AccountsException;
import org.openmaas.accounts.model.ApiKey;
import org.openmaas.accounts.model.Client;
import org.openmaas.accounts.model.ClientLimits;
import org.openmaas.auth.ApiKeys;
import org.openmaas.auth.Ids;
import org.openmaas.auth.Scopes;
import org.openmaas.auth.SecretHasher;
import org.openmaas.store.CredentialStore;

/**
 * The lifecycle of API clients: creation (the secret is shown once and stored only as a hash), changes of name and
 * scopes, secret rotation with an overlap during which the old secret still works, revocation, rate limits, and the
 * API keys an administrator makes for a client. Refusals are {@link AccountsException}s whose messages name the rule.
 */
public final class Clients {

    public static final Duration DEFAULT_OVERLAP = Duration.ofHours(1);
    public static final Duration MAX_OVERLAP = Duration.ofDays(7);

    /** A client just created or rotated, with its secret in clear: shown once, never stored. */
    public record WithSecret(Client client, String secret) {
        @Override
        public String toString() {
            return "WithSecret[client=" + client + ", secret=<redacted>]";
        }
    }

    private final CredentialStore store;
    private final ApiKeys apiKeys;
    private final Clock clock;

    public Clients(CredentialStore store, ApiKeys apiKeys, Clock clock) {
        this.store = store;
        this.apiKeys = apiKeys;
        this.clock = clock;
    }

    /** Every client, or those of one account when {@code accountId} is not null, by id. */
    public List<Client> list(String accountId) {
        if (accountId != null && !store.accountExists(accountId)) {
            throw Accounts.notFound(accountId);
        }
        return store.listClients(accountId);
    }

    public Client get(String clientId) {
        return store.findClient(clientId).orElseThrow(() -> notFound(clientId));
    }

    /**
     * A new active client of account {@code accountId}, without limits.
     *
     * @param clientId null for a generated one
     * @param scopes   null for {@code inference} only
     */
    public WithSecret create(String accountId, String clientId, String name, List<String> scopes) {
        if (accountId == null) {
            throw new AccountsException.Invalid("cloud_account_id is required");
        }
        String checkedName = Accounts.name(name);
        if (clientId != null && !Ids.CLIENT_ID.matcher(clientId).matches()) {
            throw new AccountsException.Invalid("client_id must be " + Ids.CLIENT_ID_RULE
                    + " (or absent for a generated one)");
        }
        Set<String> checkedScopes = scopes(scopes == null ? List.of(Scopes.INFERENCE) : scopes);
        if (!store.accountExists(accountId)) {
            throw Accounts.notFound(accountId);
        }
        String id = clientId == null ? Ids.newClientId() : clientId;
        String secret = SecretHasher.newSecret();
        try {
            store.createClient(new Client(id, accountId, checkedName, SecretHasher.hash(secret), checkedScopes, true),
                    clock.instant());
        } catch (AccountsException.AlreadyExists e) {
            throw new AccountsException.AlreadyExists(clientId != null && store.findClient(clientId).isPresent()
                    ? "a client with id '" + clientId + "' already exists"
                    : "cloud account " + accountId + " already has a client named '" + checkedName + "'");
        }
        return new WithSecret(get(id), secret);
    }

    /** Renames a client and/or replaces its scopes (null leaves a field as it is). */
    public Client update(String clientId, String name, List<String> scopes) {
        String checkedName = name == null ? null : Accounts.name(name);
        Set<String> checkedScopes = scopes == null ? null : scopes(scopes);
        if (!store.updateClient(clientId, checkedName, checkedScopes)) {
            throw notFound(clientId);
        }
        return get(clientId);
    }

    /** Revokes a client for good: its tokens and keys stop working on every instance within seconds. */
    public Client revoke(String clientId) {
        if (!store.revokeClient(clientId, clock.instant())) {
            throw notFound(clientId);
        }
        return get(clientId);
    }

    /**
     * A new secret; the current one keeps working for {@code overlapSeconds}.
     *
     * @param overlapSeconds 0 to 7 days, or null for {@link #DEFAULT_OVERLAP}
     * @throws AccountsException.Conflict when another change to the client landed meanwhile (nothing was changed)
     */
    public WithSecret rotate(String clientId, Long overlapSeconds) {
        if (overlapSeconds != null && (overlapSeconds < 0 || overlapSeconds > MAX_OVERLAP.toSeconds())) {
            throw new AccountsException.Invalid("overlap_seconds must be between 0 and " + MAX_OVERLAP.toSeconds()
                    + " (7 days), got " + overlapSeconds);
        }
        Duration overlap = overlapSeconds == null ? DEFAULT_OVERLAP : Duration.ofSeconds(overlapSeconds);
        Client client = get(clientId);
        String secret = SecretHasher.newSecret();
        Instant now = clock.instant();
        if (!store.rotateSecret(clientId, client.version(), SecretHasher.hash(secret), now.plus(overlap), now)) {
            if (store.findClient(clientId).isEmpty()) {
                throw notFound(clientId);
            }
            throw new AccountsException.Conflict("client '" + clientId + "' changed while its secret was being "
                    + "rotated (another rotation or update); nothing was changed by this request: retry it");
        }
        return new WithSecret(get(clientId), secret);
    }

    public ClientLimits limits(String clientId) {
        return get(clientId).limits();
    }

    public ClientLimits setLimits(String clientId, ClientLimits limits) {
        if (!store.setClientLimits(clientId, limits)) {
            throw notFound(clientId);
        }
        return limits(clientId);
    }

    /** Every API key of the client, revoked ones included. */
    public List<ApiKey> apiKeys(String clientId) {
        return apiKeys.list(get(clientId).clientId());
    }

    /** A new API key for the client, which must be active and hold the {@code inference} scope a key acts with. */
    public ApiKeys.Created createApiKey(String clientId, String name) {
        Client client = get(clientId);
        if (!client.active()) {
            throw new AccountsException.Invalid("client '" + clientId + "' is revoked; its keys would not work");
        }
        if (!client.scopes().contains(Scopes.INFERENCE)) {
            throw new AccountsException.Invalid("client '" + clientId + "' lacks the 'inference' scope "
                    + "that an API key acts with; give it the scope first");
        }
        return apiKeys.create(clientId, name);
    }

    /** Revokes one of the client's keys, which stops working at once on this instance and within seconds on others. */
    public ApiKey revokeApiKey(String clientId, String keyId) {
        get(clientId);
        if (!apiKeys.revoke(clientId, keyId)) {
            throw new AccountsException.NotFound("client '" + clientId + "' has no API key '" + keyId
                    + "' that is not revoked already");
        }
        return apiKeys.list(clientId).stream().filter(k -> k.id().equals(keyId)).findFirst().orElseThrow();
    }

    private static Set<String> scopes(List<String> requested) {
        if (requested.isEmpty()) {
            throw new AccountsException.Invalid("scopes must name at least one of: inference, admin");
        }
        Set<String> scopes = new LinkedHashSet<>();
        for (String scope : requested) {
            if (!Scopes.ALL.contains(scope)) {
                throw new AccountsException.Invalid("unknown scope '" + scope + "'; allowed: inference, admin");
            }
            scopes.add(scope);
        }
        return scopes;
    }

    private static AccountsException.NotFound notFound(String clientId) {
        return new AccountsException.NotFound("no client with id '" + clientId + "'");
    }
}
