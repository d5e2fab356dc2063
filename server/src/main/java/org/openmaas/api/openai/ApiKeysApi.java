package org.openmaas.api.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import java.util.List;
import org.openmaas.accounts.model.ApiKey;
import org.openmaas.api.ApiException;
import org.openmaas.api.BearerAuth;
import org.openmaas.api.Bodies;
import org.openmaas.api.Json;
import org.openmaas.auth.ApiKeys;
import org.openmaas.auth.Principal;
import org.openmaas.auth.Scopes;

/**
 * A client's own API keys, for tools that only take a static key: {@code POST /v1/api-keys} creates one (the key is
 * in that response and nowhere else, ever), {@code GET /v1/api-keys} lists them, {@code DELETE /v1/api-keys/{id}}
 * revokes one. Only an access token may manage keys: a key cannot make more keys, nor outlive its revocation so.
 */
public final class ApiKeysApi implements HttpService {

    static final int MAX_NAME_LENGTH = 200;
    private static final int MAX_BODY_BYTES = 4096;

    private final BearerAuth auth;
    private final ApiKeys apiKeys;

    public ApiKeysApi(BearerAuth auth, ApiKeys apiKeys) {
        this.auth = auth;
        this.apiKeys = apiKeys;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/v1/api-keys", this::create)
                .get("/v1/api-keys", this::list)
                .delete("/v1/api-keys/{id}", this::revoke);
    }

    record CreateBody(@JsonProperty("name") String name) {
    }

    /** A key as listed; {@code key} only in the response that created it. Times are Unix seconds. */
    record KeyJson(String id, String object, String name, String prefix,
                   @JsonInclude(JsonInclude.Include.NON_NULL) String key, String client_id,
                   String cloud_account_id, long created_at, Long last_used_at, Long revoked_at) {
    }

    record KeyList(String object, List<KeyJson> data) {
    }

    record Deleted(String id, String object, boolean deleted) {
    }

    private void create(ServerRequest req, ServerResponse res) {
        Principal principal = auth.authenticateWithToken(req, "create API keys");
        if (!principal.hasScope(Scopes.INFERENCE)) {
            throw new ApiException.PermissionDenied("an API key acts with the 'inference' scope, which this token "
                    + "lacks; request a token with scope inference");
        }
        Bodies.requireJson(req);
        byte[] raw = Bodies.read(req, MAX_BODY_BYTES);
        String name = keyName(raw.length == 0 ? null : Json.read(raw, CreateBody.class).name());
        ApiKeys.Created created = apiKeys.create(principal.clientId(), name);
        res.status(201);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        sendJson(res, json(created.key(), created.secret()));
    }

    /** A new key's name as given (at most 200 characters), or "api key" when none is. */
    public static String keyName(String name) {
        if (name == null || name.isBlank()) {
            return "api key";
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new ApiException.InvalidArgument("name has " + name.length() + " characters; at most "
                    + MAX_NAME_LENGTH + " are allowed", "name");
        }
        return name;
    }

    private void list(ServerRequest req, ServerResponse res) {
        Principal principal = auth.authenticateWithToken(req, "list API keys");
        sendJson(res, new KeyList("list", apiKeys.list(principal.clientId()).stream().map(k -> json(k, null)).toList()));
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        Principal principal = auth.authenticateWithToken(req, "revoke API keys");
        String id = req.path().pathParameters().get("id");
        if (!apiKeys.revoke(principal.clientId(), id)) {
            throw new ApiException.NotFound("client " + principal.clientId() + " has no API key '" + id
                    + "' that is not revoked already; GET /v1/api-keys lists its keys", "id");
        }
        sendJson(res, new Deleted(id, "api_key", true));
    }

    private static KeyJson json(ApiKey key, String secret) {
        return new KeyJson(key.id(), "api_key", key.name(), key.prefix(), secret, key.clientId(),
                key.cloudAccountId(), key.createdAt().getEpochSecond(), seconds(key.lastUsedAt()),
                seconds(key.revokedAt()));
    }

    private static Long seconds(Instant instant) {
        return instant == null ? null : instant.getEpochSecond();
    }

    private static void sendJson(ServerResponse res, Object body) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.write(body));
    }
}
