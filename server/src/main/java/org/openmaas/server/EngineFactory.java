package org.openmaas.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.openmaas.catalog.LlamaSettings;
import org.openmaas.catalog.ProductConfig;
import org.openmaas.engine.Engine;
import org.openmaas.engine.llamacpp.LlamaEngine;

/** The one place the server chooses an engine implementation for a product. */
final class EngineFactory {

    static final int BATCH_SIZE = 512;

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
        return LlamaEngine.start(new LlamaEngine.Config(file, product.contextLength(), threads, product.slots(),
                Math.max(BATCH_SIZE, product.slots()), product.maxQueued(), product.chatTemplate(), -1,
                product.prefillChunk(), llama.gpuLayers().orElse(gpuLayers), llama.flashAttention(),
                llama.kvCacheType()));
    }
}
