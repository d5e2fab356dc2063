package org.openmaas.api.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.openmaas.accounts.Clients;
import org.openmaas.accounts.model.Client;
import org.openmaas.accounts.model.ClientLimits;

/**
 * API clients: {@code /v1/admin/clients[/{id}[/revoke|/rotate-secret|/limits]]}. A client's secret appears in the
 * responses of creation and rotation only.
 */
public final class ClientsAdminApi implements HttpService {

    private final Clients clients;

    ClientsAdminApi(Clients clients) {
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
        static ClientJson of(Client c, String secret) {
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
        AdminGate.onlyQuery(req, Set.of("account"));
        List<Client> listed = clients.list(AdminGate.query(req, "account"));
        AdminGate.send(res, new ClientList(listed.stream().map(c -> ClientJson.of(c, null)).toList()));
    }

    private void create(ServerRequest req, ServerResponse res) {
        CreateClient body = AdminGate.body(req, CreateClient.class);
        Clients.WithSecret created = clients.create(body.cloud_account_id(), body.client_id(), body.name(),
                body.scopes());
        AdminGate.created(res, ClientJson.of(created.client(), created.secret()));
    }

    private void show(ServerRequest req, ServerResponse res) {
        AdminGate.send(res, ClientJson.of(clients.get(AdminGate.pathParam(req, "id")), null));
    }

    private void update(ServerRequest req, ServerResponse res) {
        String id = AdminGate.pathParam(req, "id");
        UpdateClient body = AdminGate.body(req, UpdateClient.class);
        AdminGate.send(res, ClientJson.of(clients.update(id, body.name(), body.scopes()), null));
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        AdminGate.send(res, ClientJson.of(clients.revoke(AdminGate.pathParam(req, "id")), null));
    }

    private void rotate(ServerRequest req, ServerResponse res) {
        String id = AdminGate.pathParam(req, "id");
        Rotate body = req.content().hasEntity() ? AdminGate.body(req, Rotate.class) : new Rotate(null);
        Clients.WithSecret rotated = clients.rotate(id, body.overlap_seconds());
        AdminGate.send(res, ClientJson.of(rotated.client(), rotated.secret()));
    }

    private void limits(ServerRequest req, ServerResponse res) {
        AdminGate.send(res, LimitsJson.of(clients.limits(AdminGate.pathParam(req, "id"))));
    }

    private void setLimits(ServerRequest req, ServerResponse res) {
        String id = AdminGate.pathParam(req, "id");
        LimitsJson body = AdminGate.body(req, LimitsJson.class);
        ClientLimits limits = new ClientLimits(body.requests_per_minute(), body.generated_tokens_per_minute(),
                body.concurrent_streams());
        AdminGate.send(res, LimitsJson.of(clients.setLimits(id, limits)));
    }
}
