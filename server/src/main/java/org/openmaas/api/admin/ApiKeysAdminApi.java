package org.openmaas.api.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import org.openmaas.api.ApiException;
import org.openmaas.api.openai.ApiKeysApi;
import org.openmaas.auth.ApiKeys;
import org.openmaas.auth.Scopes;
import org.openmaas.store.CredentialStore;
import org.openmaas.store.StoredApiKey;
import org.openmaas.store.StoredClient;

/**
 * Any client's API keys, for an administrator: {@code /v1/admin/clients/{id}/api-keys[/{key}/revoke]}. A key appears
 * in the response that created it only. A client manages its own keys at {@code /v1/api-keys}.
 */
public final class ApiKeysAdminApi implements HttpService {

    private final AdminGate gate;
    private final CredentialStore store;
    private final ApiKeys apiKeys;

    ApiKeysAdminApi(AdminGate gate, CredentialStore store, ApiKeys apiKeys) {
        this.gate = gate;
        this.store = store;
        this.apiKeys = apiKeys;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v1/admin/clients/{id}/api-keys", this::list)
                .post("/v1/admin/clients/{id}/api-keys", this::create)
                .post("/v1/admin/clients/{id}/api-keys/{key}/revoke", this::revoke);
    }

    /** {@code key} only in the answer of creation. */
    record KeyJson(String id, String client_id, String cloud_account_id, String name, String prefix,
                   String created_at, String last_used_at, String revoked_at,
                   @JsonInclude(JsonInclude.Include.NON_NULL) String key) {
        static KeyJson of(StoredApiKey k, String secret) {
            return new KeyJson(k.id(), k.clientId(), k.cloudAccountId(), k.name(), k.prefix(),
                    AdminGate.iso(k.createdAt()), AdminGate.iso(k.lastUsedAt()), AdminGate.iso(k.revokedAt()), secret);
        }
    }

    record KeyList(List<KeyJson> api_keys) {
    }

    record CreateKey(@JsonProperty("name") String name) {
    }

    private void list(ServerRequest req, ServerResponse res) {
        gate.admin(req);
        StoredClient client = client(AdminGate.pathParam(req, "id"));
        AdminGate.send(res, new KeyList(apiKeys.list(client.clientId()).stream().map(k -> KeyJson.of(k, null)).toList()));
    }

    private void create(ServerRequest req, ServerResponse res) {
        gate.admin(req);
        StoredClient client = client(AdminGate.pathParam(req, "id"));
        String name = ApiKeysApi.keyName(req.content().hasEntity() ? AdminGate.body(req, CreateKey.class).name() : null);
        if (!client.active()) {
            throw new ApiException.InvalidArgument("client '" + client.clientId() + "' is revoked; its keys would not work");
        }
        if (!client.scopes().contains(Scopes.INFERENCE)) {
            throw new ApiException.InvalidArgument("client '" + client.clientId() + "' lacks the 'inference' scope "
                    + "that an API key acts with; give it the scope first");
        }
        ApiKeys.Created created = apiKeys.create(client.clientId(), name);
        AdminGate.created(res, KeyJson.of(created.key(), created.secret()));
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        gate.admin(req);
        StoredClient client = client(AdminGate.pathParam(req, "id"));
        String key = AdminGate.pathParam(req, "key");
        if (!apiKeys.revoke(client.clientId(), key)) {
            throw new ApiException.NotFound("client '" + client.clientId() + "' has no API key '" + key
                    + "' that is not revoked already");
        }
        AdminGate.send(res, KeyJson.of(apiKeys.list(client.clientId()).stream()
                .filter(k -> k.id().equals(key)).findFirst().orElseThrow(), null));
    }

    private StoredClient client(String id) {
        return store.findClient(id).orElseThrow(() -> new ApiException.NotFound("no client with id '" + id + "'"));
    }
}
