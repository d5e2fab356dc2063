package org.openmaas.console;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.openmaas.accounts.Clients;
import org.openmaas.accounts.model.AccountsException;
import org.openmaas.accounts.model.ApiKey;
import org.openmaas.accounts.model.Client;
import org.openmaas.auth.AccessToken;
import org.openmaas.auth.ApiKeys;
import org.openmaas.auth.Scopes;
import org.openmaas.auth.TokenService;

/**
 * The credentials of one cloud account as its members manage them in the console, through the same {@link Clients}
 * the admin API uses: API clients (inference scope), API keys, and the short-lived tokens of the playground.
 *
 * <p>The console owns one client per account, {@code console-<account>}, made on first need: the playground's
 * tokens are its tokens, and the console's API keys are its keys (so they act in the account with the inference
 * scope, as any key does). Nobody holds its secret; tokens are minted for it in-process, for a member the console
 * has authorized. It is not listed among the account's clients, so it cannot be revoked from the console.
 */
public final class AccountCredentials {

    public static final Duration PLAYGROUND_TOKEN_LIFETIME = Duration.ofMinutes(10);
    static final String CONSOLE_CLIENT_NAME = "OpenMaaS console";

    private final Clients clients;
    private final TokenService tokens;

    public AccountCredentials(Clients clients, TokenService tokens) {
        this.clients = clients;
        this.tokens = tokens;
    }

    /** The account's API clients, without the console's own. */
    public List<Client> clients(String accountId) {
        return clients.list(accountId).stream().filter(c -> !c.clientId().equals(consoleClientId(accountId))).toList();
    }

    /** A new client of the account with the inference scope; its secret is in the answer only. */
    public Clients.WithSecret createClient(String accountId, String name) {
        return clients.create(accountId, null, name, List.of(Scopes.INFERENCE));
    }

    /** A new secret for a client of the account; the old one works on for {@link Clients#DEFAULT_OVERLAP}. */
    public Clients.WithSecret rotate(String accountId, String clientId) {
        return clients.rotate(ownClient(accountId, clientId).clientId(), null);
    }

    public Client revoke(String accountId, String clientId) {
        return clients.revoke(ownClient(accountId, clientId).clientId());
    }

    /** Every API key of every client of the account, the console's included, revoked ones too. */
    public List<ApiKey> apiKeys(String accountId) {
        List<ApiKey> keys = new ArrayList<>();
        clients.list(accountId).forEach(c -> keys.addAll(clients.apiKeys(c.clientId())));
        return keys;
    }

    /** A new API key of the account (its console client's); the key is in the answer only. */
    public ApiKeys.Created createApiKey(String accountId, String name) {
        return clients.createApiKey(consoleClient(accountId).clientId(), name);
    }

    /** Revokes a key of any client of the account. */
    public ApiKey revokeApiKey(String accountId, String keyId) {
        ApiKey key = apiKeys(accountId).stream().filter(k -> k.id().equals(keyId)).findFirst()
                .orElseThrow(() -> new AccountsException.NotFound("cloud account " + accountId + " has no API key '"
                        + keyId + "'"));
        return clients.revokeApiKey(key.clientId(), keyId);
    }

    /** A token of the account's console client for the playground's calls, valid {@link #PLAYGROUND_TOKEN_LIFETIME}. */
    public AccessToken playgroundToken(String accountId) {
        return tokens.issueFor(consoleClient(accountId), Set.of(Scopes.INFERENCE), PLAYGROUND_TOKEN_LIFETIME);
    }

    static String consoleClientId(String accountId) {
        return "console-" + accountId;
    }

    private Client consoleClient(String accountId) {
        String id = consoleClientId(accountId);
        Client client;
        try {
            client = clients.get(id);
        } catch (AccountsException.NotFound absent) {
            try {
                client = clients.create(accountId, id, CONSOLE_CLIENT_NAME, List.of(Scopes.INFERENCE)).client();
            } catch (AccountsException.AlreadyExists e) {
                client = clients.get(id); // made by another request meanwhile
            }
        }
        if (!client.active()) {
            throw new AccountsException.Conflict("cloud account " + accountId + " is suspended, or its console client "
                    + id + " was revoked through the admin API; the playground and console keys need it active");
        }
        return client;
    }

    private Client ownClient(String accountId, String clientId) {
        return clients(accountId).stream().filter(c -> c.clientId().equals(clientId)).findFirst()
                .orElseThrow(() -> new AccountsException.NotFound("cloud account " + accountId + " has no client '"
                        + clientId + "'"));
    }
}
