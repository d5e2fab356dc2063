package org.openmaas.server;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.openmaas.catalog.LlamaSettings;
import org.openmaas.catalog.ProductConfig;
import org.openmaas.catalog.RemoteEngineConfig;
import org.openmaas.engine.Engine;
import org.openmaas.engine.ModelInfo;
import org.openmaas.engine.llamacpp.LlamaEmbedder;
import org.openmaas.engine.llamacpp.LlamaEngine;
import org.openmaas.engine.llamacpp.LlamaModel;
import org.openmaas.engine.remote.LlamaServerUpstream;
import org.openmaas.engine.remote.MaasUpstream;
import org.openmaas.engine.remote.OpenAiUpstream;
import org.openmaas.engine.remote.RemoteEngine;
import org.openmaas.engine.remote.TgiUpstream;
import org.openmaas.engine.remote.Upstream;
import org.openmaas.engine.remote.UpstreamTimeouts;
import org.openmaas.engine.remote.VllmUpstream;

/** The one place the server chooses an engine implementation for a product. */
final class EngineFactory {

    static final int BATCH_SIZE = 512;

    /**
     * A remote product's vocabulary is the upstream's, unknown here: every id and top_k passes validation and the
     * upstream judges them.
     */
    static final int UPSTREAM_VOCABULARY = Integer.MAX_VALUE;

    /** A refused or unreachable endpoint is given up soon, so the attempt moves to another one. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private EngineFactory() {
    }

    /**
     * @param threads      llama.cpp threads for this engine (the caller shares the machine's cores among engines)
     * @param llamaLibrary the llama.cpp build to load, when the operator named one; it loads with the first engine
     * @param gpuLayers    the GPU layers of a product whose catalog entry does not say
     */
    static Engine open(ProductConfig product, Path file, int threads, Optional<Path> llamaLibrary, int gpuLayers)
            throws IOException {
        llamaLibrary.ifPresent(LlamaEngine::useLibraryFolder);
        LlamaSettings llama = product.llama();
        LlamaEngine.Config config = new LlamaEngine.Config(file, product.contextLength(), threads, product.slots(),
                Math.max(BATCH_SIZE, product.slots()), product.maxQueued(), product.chatTemplate(), -1,
                product.prefillChunk(), llama.gpuLayers().orElse(gpuLayers), llama.flashAttention(),
                llama.kvCacheType());
        return product.embeddings() ? LlamaEmbedder.start(config, product.productName()) : LlamaEngine.start(config);
    }

    /**
     * Has llama.cpp read {@code file}'s header and vocabulary, not its tensors: an architecture it does not know is
     * refused before anything else starts.
     */
    static void probe(Path file, Optional<Path> llamaLibrary) throws IOException {
        llamaLibrary.ifPresent(LlamaEngine::useLibraryFolder);
        LlamaModel.probe(file);
    }

    /** A pool over the product's endpoints; nothing of llama.cpp is loaded for it. */
    static Engine remote(ProductConfig product, RemoteEngineConfig engine) {
        // The upstream renders conversations with its own template, so every remote product takes messages.
        ModelInfo model = new ModelInfo(product.modelName(), product.contextLength(), UPSTREAM_VOCABULARY, true);
        return RemoteEngine.start(product.productName(), model, engine.endpoints(), upstream(engine),
                RemoteEngine.Settings.of(engine.maxConcurrent(), product.maxQueued()));
    }

    private static Upstream upstream(RemoteEngineConfig engine) {
        // The selector thread hands what it reads straight to the waiting reader instead of through a worker thread:
        // one thread hand-off less per streamed token. What runs there only parses and queues bytes; nothing blocks.
        HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).executor(Runnable::run).build();
        UpstreamTimeouts timeouts = engine.timeouts();
        return switch (engine.type()) {
            case LLAMA_SERVER -> new LlamaServerUpstream(client, timeouts, engine.upstreamModel(), engine.apiKey());
            case VLLM -> new VllmUpstream(client, timeouts, engine.upstreamModel(), engine.apiKey(),
                    engine.toolCallFormat());
            case TGI -> new TgiUpstream(client, timeouts, engine.upstreamModel(), engine.apiKey());
            case OPENAI -> new OpenAiUpstream(client, timeouts, engine.upstreamModel(), engine.apiKey());
            case MAAS -> new MaasUpstream(client, timeouts, engine.maas().orElseThrow());
        };
    }
}
