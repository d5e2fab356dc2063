package org.openmaas.api.console;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import org.openmaas.accounts.Clients;
import org.openmaas.accounts.model.ApiKey;
import org.openmaas.accounts.model.Client;
import org.openmaas.api.openai.ApiKeysApi;
import org.openmaas.auth.ApiKeys;
import org.openmaas.console.AccountCredentials;
import org.openmaas.console.Users;
import org.openmaas.store.CredentialStore;

/**
 * An account's API clients ({@code .../clients[/{id}[/rotate]]}) and API keys ({@code .../api-keys[/{id}]}) under
 * {@code /console/api/accounts/{acct}}, for any member. A secret or key is in the answer that made it and nowhere
 * else, ever.
 */
final class CredentialRoutes implements HttpService {

    private static final String ACCOUNT = ConsoleHttp.API + "/accounts/{acct}";

    private final Users users;
    private final CredentialStore store;
    private final AccountCredentials credentials;

    CredentialRoutes(Users users, CredentialStore store, AccountCredentials credentials) {
        this.users = users;
        this.store = store;
        this.credentials = credentials;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get(ACCOUNT + "/clients", this::clients)
                .post(ACCOUNT + "/clients", this::createClient)
                .post(ACCOUNT + "/clients/{id}/rotate", this::rotate)
                .delete(ACCOUNT + "/clients/{id}", this::revoke)
                .get(ACCOUNT + "/api-keys", this::apiKeys)
                .post(ACCOUNT + "/api-keys", this::createApiKey)
                .delete(ACCOUNT + "/api-keys/{id}", this::revokeApiKey);
    }

    record Named(@JsonProperty("name") String name) {
    }

    /** @param status {@code active} or {@code revoked} */
    record ClientJson(String client_id, String name, String created_at, String last_used_at, String status) {
        static ClientJson of(Client c) {
            return new ClientJson(c.clientId(), c.name(), ConsoleHttp.iso(c.createdAt()),
                    ConsoleHttp.iso(c.lastUsedAt()), c.status());
        }
    }

    record ClientList(List<ClientJson> clients) {
    }

    /** @param previous_secret_expires_at after a rotation, when the old secret stops working; else absent */
    record SecretJson(String client_id, String client_secret, String name, String created_at,
                      @JsonInclude(JsonInclude.Include.NON_NULL) String previous_secret_expires_at) {
        static SecretJson of(Clients.WithSecret made) {
            Client c = made.client();
            return new SecretJson(c.clientId(), made.secret(), c.name(), ConsoleHttp.iso(c.createdAt()),
                    ConsoleHttp.iso(c.previousSecretExpiresAt()));
        }
    }

    /** @param key only in the answer that made it */
    record KeyJson(String id, String name, String prefix, String client_id, String created_at, String last_used_at,
                   String status, @JsonInclude(JsonInclude.Include.NON_NULL) String key) {
        static KeyJson of(ApiKey k, String key) {
            return new KeyJson(k.id(), k.name(), k.prefix(), k.clientId(), ConsoleHttp.iso(k.createdAt()),
                    ConsoleHttp.iso(k.lastUsedAt()), k.revokedAt() == null ? "active" : "revoked", key);
        }
    }

    record KeyList(List<KeyJson> api_keys) {
    }

    private String account(ServerRequest req) {
        return AccountAccess.of(req, users, store).accountId();
    }

    private void clients(ServerRequest req, ServerResponse res) {
        ConsoleHttp.send(res, new ClientList(credentials.clients(account(req)).stream().map(ClientJson::of).toList()));
    }

    private void createClient(ServerRequest req, ServerResponse res) {
        String account = account(req);
        Named body = ConsoleHttp.body(req, Named.class);
        ConsoleHttp.created(res, SecretJson.of(credentials.createClient(account, body.name())));
    }

    private void rotate(ServerRequest req, ServerResponse res) {
        String account = account(req);
        ConsoleHttp.send(res, SecretJson.of(credentials.rotate(account, ConsoleHttp.pathParam(req, "id"))));
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        credentials.revoke(account(req), ConsoleHttp.pathParam(req, "id"));
        ConsoleHttp.noContent(res);
    }

    private void apiKeys(ServerRequest req, ServerResponse res) {
        ConsoleHttp.send(res, new KeyList(credentials.apiKeys(account(req)).stream().map(k -> KeyJson.of(k, null))
                .toList()));
    }

    private void createApiKey(ServerRequest req, ServerResponse res) {
        String account = account(req);
        String name = ApiKeysApi.keyName(ConsoleHttp.body(req, Named.class).name());
        ApiKeys.Created created = credentials.createApiKey(account, name);
        ConsoleHttp.created(res, KeyJson.of(created.key(), created.secret()));
    }

    private void revokeApiKey(ServerRequest req, ServerResponse res) {
        credentials.revokeApiKey(account(req), ConsoleHttp.pathParam(req, "id"));
        ConsoleHttp.noContent(res);
    }
}
