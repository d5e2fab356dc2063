package org.openmaas.api.admin;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Set;
import org.openmaas.api.EnginesJson;
import org.openmaas.catalog.Catalog;

/** {@code GET /v1/admin/engines}: each product served elsewhere with its endpoints' state, as this instance sees them. */
final class EnginesAdminApi implements HttpService {

    private final Catalog catalog;

    EnginesAdminApi(Catalog catalog) {
        this.catalog = catalog;
    }

    record EngineList(List<EnginesJson.EngineJson> engines) {
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v1/admin/engines", this::list);
    }

    private void list(ServerRequest req, ServerResponse res) {
        AdminGate.onlyQuery(req, Set.of());
        AdminGate.send(res, new EngineList(EnginesJson.of(catalog)));
    }
}
