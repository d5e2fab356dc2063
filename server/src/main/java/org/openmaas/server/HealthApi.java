package org.openmaas.server;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import org.openmaas.api.EnginesJson;
import org.openmaas.api.Json;
import org.openmaas.api.Readiness;
import org.openmaas.catalog.Catalog;

/** {@code GET /health}: the process answers. {@code GET /ready}: its models are loaded and it takes requests. */
final class HealthApi implements HttpService {

    private final Readiness readiness;
    private final Catalog catalog;

    HealthApi(Readiness readiness, Catalog catalog) {
        this.readiness = readiness;
        this.catalog = catalog;
    }

    record Health(String status) {
    }

    /** @param engines the endpoints of products served elsewhere: a down endpoint does not make this instance unready */
    record Ready(boolean ready, String status, int products, List<EnginesJson.EngineJson> engines) {
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/health", this::health).get("/ready", this::ready);
    }

    private void health(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.write(new Health("UP")));
    }

    private void ready(ServerRequest req, ServerResponse res) {
        boolean ready = readiness.isReady();
        res.status(ready ? 200 : 503);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.write(new Ready(ready, readiness.reason(), catalog.entries().size(),
                EnginesJson.of(catalog))));
    }
}
