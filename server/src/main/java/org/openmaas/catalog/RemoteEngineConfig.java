package org.openmaas.catalog;

import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.openmaas.engine.remote.MaasUpstream;

/**
 * A product's engine elsewhere, as its catalog entry's {@code engine:} block declares it, with the secrets already read
 * from the environment.
 *
 * @param endpoints      the upstream servers' base URLs (http or https), one pool
 * @param upstreamModel  the model name the upstream knows
 * @param apiKey         the bearer key sent to every endpoint, when the upstream needs one
 * @param maxConcurrent  generations in flight per endpoint; more wait in the product's queue
 * @param maas           the account this gateway uses at an upstream MaaS; present exactly for type {@code maas}
 */
public record RemoteEngineConfig(UpstreamType type, List<URI> endpoints, String upstreamModel, Optional<String> apiKey,
                                 int maxConcurrent, Optional<MaasUpstream.Account> maas) {

    /** A few streams per endpoint: llama-server's default slots are 4, vLLM batches hundreds. */
    public static final int DEFAULT_MAX_CONCURRENT = 16;

    public RemoteEngineConfig {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(upstreamModel, "upstreamModel");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(maas, "maas");
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("engine.endpoints must list at least one http(s) URL");
        }
        if (new HashSet<>(endpoints).size() != endpoints.size()) {
            throw new IllegalArgumentException("engine.endpoints lists an endpoint twice: " + endpoints);
        }
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("engine.max_concurrent must be at least 1, got " + maxConcurrent);
        }
        if (maas.isPresent() != (type == UpstreamType.MAAS)) {
            throw new IllegalArgumentException("MaaS credentials belong to engine.type maas only, not " + type.catalogName());
        }
    }

    @Override
    public String toString() {
        // Never the key: this is logged when a product cannot start.
        return type.catalogName() + " at " + endpoints;
    }
}
