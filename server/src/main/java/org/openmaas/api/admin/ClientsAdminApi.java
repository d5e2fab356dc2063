package org.openmaas.api.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.openmaas.api.ApiException;
import org.openmaas.auth.Clients;
import org.openmaas.auth.Ids;
import org.openmaas.auth.Scopes;
import org.openmaas.store.ClientLimits;
import org.openmaas.store.CredentialStore;
import org.openmaas.store.DuplicateException;
import org.openmaas.store.StoredClient;

/**
 * API clients: {@code /v1/admin/clients[/{id}[/revoke|/rotate-secret|/limits]]}. A client's secret appears in the
 * responses of creation and rotation only.
 */
public final class ClientsAdminApi implements HttpService {

    static final int MAX_LIMIT = 1_000_000_000;

    private final AdminGate gate;
    private final CredentialStore store;
    private final Clients clients;

    ClientsAdminApi(AdminGate gate, CredentialStore store, Clients clients) {
        this.gate = gate;
        this.store = store;
        this.clients = clients;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v1/admin/clients", this::list)
                .post("/v1/admin/clients", this::create)
                .get("/v1/admin/clients/{id}", this::show)
                .patch("/v1/admin/clients/{id}", this::update)
                .post("/v1/admin/clients/{id}/revoke", this::revoke)
                .post("/v1/admin/clients/{id}/rotate-secret", this::rotate)
                .get("/v1/admin/clients/{id}/limits", this::limits)
                .put("/v1/admin/clients/{id}/limits", this::setLimits);
    }

    /** {@code client_secret} only in the answers of creation and rotation. */
    record ClientJson(String client_id, String cloud_account_id, String name, List<String> scopes, String status,
                      String created_at, String last_used_at, String previous_secret_expires_at, LimitsJson limits,
                      @JsonInclude(JsonInclude.Include.NON_NULL) String client_secret) {
        static ClientJson of(StoredClient c, String secret) {
            return new ClientJson(c.clientId(), c.cloudAccountId(), c.name(), List.copyOf(new TreeSet<>(c.scopes())),
                    c.status(), AdminGate.iso(c.createdAt()), AdminGate.iso(c.lastUsedAt()),
                    AdminGate.iso(c.previousSecretExpiresAt()), LimitsJson.of(c.limits()), secret);
        }
    }

    record ClientList(List<ClientJson> clients) {
    }

    record CreateClient(@JsonProperty("cloud_account_id") String cloud_account_id,
                        @JsonProperty("client_id") String client_id,
                        @JsonProperty("name") String name,
                        @JsonProperty("scopes") List<String> scopes) {
    }

    record UpdateClient(@JsonProperty("name") String name, @JsonProperty("scopes") List<String> scopes) {
    }

    record Rotate(@JsonProperty("overlap_seconds") Long overlap_seconds) {
    }

    record LimitsJson(@JsonProperty("requests_per_minute") Integer requests_per_minute,
                      @JsonProperty("generated_tokens_per_minute") Integer generated_tokens_per_minute,
                      @JsonProperty("concurrent_streams") Integer concurrent_streams) {
        static LimitsJson of(ClientLimits l) {
            return new LimitsJson(l.requestsPerMinute(), l.generatedTokensPerMinute(), l.concurrentStreams());
        }
    }

    private void list(ServerRequest req, ServerResponse res) {
        gate.admin(req);
        AdminGate.onlyQuery(req, Set.of("account"));
        String account = AdminGate.query(req, "account");
        if (account != null && !store.accountExists(account)) {
            throw AccountsAdminApi.noAccount(account);
        }
        AdminGate.send(res, new ClientList(store.listClients(account).stream().map(c -> ClientJson.of(c, null)).toList()));
    }

    private void create(ServerRequest req, ServerResponse res) {
        gate.admin(req);
        CreateClient body = AdminGate.body(req, CreateClient.class);
        if (body.cloud_account_id() == null) {
            throw new ApiException.InvalidArgument("cloud_account_id is required");
        }
        String name = AccountsAdminApi.name(body.name());
        if (body.client_id() != null && !Ids.CLIENT_ID.matcher(body.client_id()).matches()) {
            throw new ApiException.InvalidArgument("client_id must be " + Ids.CLIENT_ID_RULE
                    + " (or absent for a generated one)");
        }
        Set<String> scopes = scopes(body.scopes() == null ? List.of(Scopes.INFERENCE) : body.scopes());
        if (!store.accountExists(body.cloud_account_id())) {
            throw AccountsAdminApi.noAccount(body.cloud_account_id());
        }
        Clients.WithSecret created;
        try {
            created = clients.create(body.cloud_account_id(), body.client_id(), name, scopes);
        } catch (DuplicateException e) {
            throw new ApiException.AlreadyExists(body.client_id() != null && store.findClient(body.client_id()).isPresent()
                    ? "a client with id '" + body.client_id() + "' already exists"
                    : "cloud account " + body.cloud_account_id() + " already has a client named '" + name + "'");
        }
        AdminGate.created(res, ClientJson.of(created.client(), created.secret()));
    }

    private void show(ServerRequest req, ServerResponse res) {
        gate.admin(req);
        AdminGate.send(res, ClientJson.of(client(AdminGate.pathParam(req, "id")), null));
    }

    private void update(ServerRequest req, ServerResponse res) {
        gate.admin(req);
        String id = AdminGate.pathParam(req, "id");
        UpdateClient body = AdminGate.body(req, UpdateClient.class);
        String name = body.name() == null ? null : AccountsAdminApi.name(body.name());
        Set<String> scopes = body.scopes() == null ? null : scopes(body.scopes());
        try {
            if (!store.updateClient(id, name, scopes)) {
                throw noClient(id);
            }
        } catch (DuplicateException e) {
            throw new ApiException.AlreadyExists("the client's cloud account already has a client named '" + name + "'");
        }
        AdminGate.send(res, ClientJson.of(client(id), null));
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        gate.admin(req);
        String id = AdminGate.pathParam(req, "id");
        if (!clients.revoke(id)) {
            throw noClient(id);
        }
        AdminGate.send(res, ClientJson.of(client(id), null));
    }

    private void rotate(ServerRequest req, ServerResponse res) {
        gate.admin(req);
        String id = AdminGate.pathParam(req, "id");
        Rotate body = req.content().hasEntity() ? AdminGate.body(req, Rotate.class) : new Rotate(null);
        Duration overlap = Clients.DEFAULT_OVERLAP;
        if (body.overlap_seconds() != null) {
            if (body.overlap_seconds() < 0 || body.overlap_seconds() > Clients.MAX_OVERLAP.toSeconds()) {
                throw new ApiException.InvalidArgument("overlap_seconds must be between 0 and "
                        + Clients.MAX_OVERLAP.toSeconds() + " (7 days), got " + body.overlap_seconds());
            }
            overlap = Duration.ofSeconds(body.overlap_seconds());
        }
        switch (clients.rotate(id, overlap)) {
            case Clients.Rotation.Rotated rotated ->
                    AdminGate.send(res, ClientJson.of(rotated.client().client(), rotated.client().secret()));
            case Clients.Rotation.NoSuchClient none -> throw noClient(id);
            case Clients.Rotation.Conflict conflict -> throw new ApiException.Aborted("client '" + id
                    + "' changed while its secret was being rotated (another rotation or update); nothing was "
                    + "changed by this request: retry it");
        }
    }

    private void limits(ServerRequest req, ServerResponse res) {
        gate.admin(req);
        AdminGate.send(res, LimitsJson.of(client(AdminGate.pathParam(req, "id")).limits()));
    }

    private void setLimits(ServerRequest req, ServerResponse res) {
        gate.admin(req);
        String id = AdminGate.pathParam(req, "id");
        LimitsJson body = AdminGate.body(req, LimitsJson.class);
        ClientLimits limits = new ClientLimits(limit("requests_per_minute", body.requests_per_minute()),
                limit("generated_tokens_per_minute", body.generated_tokens_per_minute()),
                limit("concurrent_streams", body.concurrent_streams()));
        if (!store.setClientLimits(id, limits)) {
            throw noClient(id);
        }
        AdminGate.send(res, LimitsJson.of(client(id).limits()));
    }

    private static Integer limit(String name, Integer value) {
        if (value != null && (value < 1 || value > MAX_LIMIT)) {
            throw new ApiException.InvalidArgument(name + " must be between 1 and " + MAX_LIMIT
                    + " (or null for unlimited), got " + value);
        }
        return value;
    }

    private static Set<String> scopes(List<String> requested) {
        if (requested.isEmpty()) {
            throw new ApiException.InvalidArgument("scopes must name at least one of: inference, admin");
        }
        Set<String> scopes = new LinkedHashSet<>();
        for (String scope : requested) {
            if (!Scopes.ALL.contains(scope)) {
                throw new ApiException.InvalidArgument("unknown scope '" + scope + "'; allowed: inference, admin");
            }
            scopes.add(scope);
        }
        return scopes;
    }

    private StoredClient client(String id) {
        return store.findClient(id).orElseThrow(() -> noClient(id));
    }

    private static ApiException.NotFound noClient(String id) {
        return new ApiException.NotFound("no client with id '" + id + "'");
    }
}
