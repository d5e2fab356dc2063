package org.openmaas.api.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import org.openmaas.accounts.Clients;
import org.openmaas.accounts.model.ApiKey;
import org.openmaas.api.openai.ApiKeysApi;
import org.openmaas.auth.ApiKeys;

/**
 * Any client's API keys, for an administrator: {@code /v1/admin/clients/{id}/api-keys[/{key}/revoke]}. A key appears
 * in the response that created it only. A client manages its own keys at {@code /v1/api-keys}.
 */
public final class ApiKeysAdminApi implements HttpService {

    private final Clients clients;

    ApiKeysAdminApi(Clients clients) {
        this.clients = clients;
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
        static KeyJson of(ApiKey k, String secret) {
            return new KeyJson(k.id(), k.clientId(), k.cloudAccountId(), k.name(), k.prefix(),
                    AdminGate.iso(k.createdAt()), AdminGate.iso(k.lastUsedAt()), AdminGate.iso(k.revokedAt()), secret);
        }
    }

    record KeyList(List<KeyJson> api_keys) {
    }

    record CreateKey(@JsonProperty("name") String name) {
    }

    private void list(ServerRequest req, ServerResponse res) {
        List<ApiKey> keys = clients.apiKeys(AdminGate.pathParam(req, "id"));
        AdminGate.send(res, new KeyList(keys.stream().map(k -> KeyJson.of(k, null)).toList()));
    }

    private void create(ServerRequest req, ServerResponse res) {
        String clientId = AdminGate.pathParam(req, "id");
        String name = ApiKeysApi.keyName(req.content().hasEntity() ? AdminGate.body(req, CreateKey.class).name() : null);
        ApiKeys.Created created = clients.createApiKey(clientId, name);
        AdminGate.created(res, KeyJson.of(created.key(), created.secret()));
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        ApiKey revoked = clients.revokeApiKey(AdminGate.pathParam(req, "id"), AdminGate.pathParam(req, "key"));
        AdminGate.send(res, KeyJson.of(revoked, null));
    }
}
