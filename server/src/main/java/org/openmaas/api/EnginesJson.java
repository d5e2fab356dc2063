package org.openmaas.api;

import java.util.List;
import org.openmaas.catalog.Catalog;
import org.openmaas.catalog.CatalogEntry;
import org.openmaas.catalog.ModelSource;
import org.openmaas.engine.EndpointStatus;

/**
 * The remote engines' endpoints as {@code /ready} and {@code GET /v1/admin/engines} show them: per product served
 * elsewhere, each endpoint's state, load, latency and errors. Products this process serves itself are not listed.
 */
public final class EnginesJson {

    private EnginesJson() {
    }

    public record EngineJson(String product_name, String type, List<EndpointJson> endpoints) {
    }

    /**
     * @param time_to_first_token_ms a moving average over the endpoint's attempts; null before its first token
     */
    public record EndpointJson(String endpoint, String state, int in_flight, int max_concurrent, long attempts,
                               long errors, Double time_to_first_token_ms, String last_error) {
        static EndpointJson of(EndpointStatus s) {
            return new EndpointJson(s.endpoint().toString(), s.state().label(), s.inFlight(), s.maxConcurrent(),
                    s.attempts(), s.errors(), s.timeToFirstToken().map(d -> d.toNanos() / 1e6).orElse(null),
                    s.lastError().orElse(null));
        }
    }

    /** Every product of {@code catalog} served elsewhere, in catalog order. */
    public static List<EngineJson> of(Catalog catalog) {
        return catalog.entries().stream().filter(e -> e.config().source() instanceof ModelSource.Remote)
                .map(EnginesJson::of).toList();
    }

    private static EngineJson of(CatalogEntry entry) {
        String type = ((ModelSource.Remote) entry.config().source()).engine().type().catalogName();
        return new EngineJson(entry.product().productName(), type,
                entry.engine().endpoints().stream().map(EndpointJson::of).toList());
    }
}
