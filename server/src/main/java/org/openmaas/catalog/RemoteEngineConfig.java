package org.openmaas.catalog;

import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.openmaas.chat.tools.ToolCallFormat;
import org.openmaas.engine.remote.MaasUpstream;
import org.openmaas.engine.remote.UpstreamTimeouts;

/**
 * A product's engine elsewhere, as its catalog entry's {@code engine:} block declares it, with the secrets already read
 * from the environment.
 *
 * @param endpoints      the upstream servers' base URLs (http or https), one pool
 * @param upstreamModel  the model name the upstream knows
 * @param apiKey         the bearer key sent to every endpoint, when the upstream needs one
 * @param maxConcurrent  generations in flight per endpoint; more wait in the product's queue
 * @param maas           the account this gateway uses at an upstream MaaS; present exactly for type {@code maas}
 * @param toolCallFormat the family whose markup the model writes tool calls in, one of {@link ToolCallFormat#NAMED};
 *                       only for type {@code vllm}, whose template this server cannot see
 * @param timeouts       how long a stream may take to its first token and then go silent before it fails over
 */
public record RemoteEngineConfig(UpstreamType type, List<URI> endpoints, String upstreamModel, Optional<String> apiKey,
                                 int maxConcurrent, Optional<MaasUpstream.Account> maas,
                                 Optional<String> toolCallFormat, UpstreamTimeouts timeouts) {

    /** A few streams per endpoint: llama-server's default slots are 4, vLLM batches hundreds. */
    public static final int DEFAULT_MAX_CONCURRENT = 16;

    public RemoteEngineConfig {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(upstreamModel, "upstreamModel");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(maas, "maas");
        Objects.requireNonNull(timeouts, "timeouts");
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
        Objects.requireNonNull(toolCallFormat, "toolCallFormat");
        if (toolCallFormat.isPresent() && type != UpstreamType.VLLM) {
            throw new IllegalArgumentException("engine.tool_call_format belongs to engine.type vllm only, not "
                    + type.catalogName() + " (llama-server shows its template, which tells the format; the other"
                    + " types' own APIs say how they take tools)");
        }
        if (toolCallFormat.isPresent() && !ToolCallFormat.NAMED.containsKey(toolCallFormat.get())) {
            throw new IllegalArgumentException("engine.tool_call_format '" + toolCallFormat.get() + "' is not one of: "
                    + String.join(", ", ToolCallFormat.NAMED.keySet().stream().sorted().toList()));
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
