package org.openmaas.server;

import java.io.IOException;
import java.nio.file.Path;
import org.openmaas.catalog.ProductConfig;
import org.openmaas.engine.Engine;
import org.openmaas.engine.llamacpp.LlamaEngine;

/** The one place the server chooses an engine implementation for a product. */
final class EngineFactory {

    static final int BATCH_SIZE = 512;

    private EngineFactory() {
    }

    /** @param threads llama.cpp threads for this engine (the caller shares the machine's cores among engines) */
    static Engine open(ProductConfig product, Path file, int threads) throws IOException {
        return LlamaEngine.start(new LlamaEngine.Config(file, product.contextLength(), threads, product.slots(),
                Math.max(BATCH_SIZE, product.slots()), product.maxQueued(), product.chatTemplate(), -1,
                product.prefillChunk()));
    }
}
