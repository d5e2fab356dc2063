package org.openmaas.server;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Locale;
import org.openmaas.api.EnginesJson;
import org.openmaas.api.Json;
import org.openmaas.api.Readiness;
import org.openmaas.catalog.Catalog;
import org.openmaas.catalog.ProductLifecycle;

/** {@code GET /health}: the process answers. {@code GET /ready}: its models are loaded and it takes requests. */
final class HealthApi implements HttpService {

    private final Readiness readiness;
    private final Catalog catalog;
    private final ProductLifecycle products;

    HealthApi(Readiness readiness, Catalog catalog, ProductLifecycle products) {
        this.readiness = readiness;
        this.catalog = catalog;
        this.products = products;
    }

    record Health(String status) {
    }

    /**
     * @param products       how many products serve
     * @param engines        the endpoints of products served elsewhere: a down endpoint does not make this instance
     *                       unready
     * @param product_states each product's latest configuration: loading, serving or failed (with why); one that
     *                       loads or failed does not make the instance unready while others serve
     */
    record Ready(boolean ready, String status, int products, List<EnginesJson.EngineJson> engines,
                 List<ProductState> product_states) {
    }

    /** @param serving whether requests reach it now (while a change loads, its previous configuration serves) */
    record ProductState(String product_name, String state, boolean serving, String error) {
        static ProductState of(ProductLifecycle.View view) {
            return new ProductState(view.status().config().productName(),
                    view.status().phase().name().toLowerCase(Locale.ROOT), view.entry().isPresent(),
                    view.status().error().orElse(null));
        }
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
                EnginesJson.of(catalog), products.list().stream().map(ProductState::of).toList())));
    }
}
