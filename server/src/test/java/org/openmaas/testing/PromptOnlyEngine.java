package org.openmaas.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.openmaas.catalog.CatalogEntry;
import org.openmaas.catalog.ModelSource;
import org.openmaas.catalog.Product;
import org.openmaas.catalog.ProductConfig;
import org.openmaas.catalog.PromptFormat;
import org.openmaas.engine.ChatMessage;
import org.openmaas.engine.Engine;
import org.openmaas.engine.EngineLoad;
import org.openmaas.engine.Generation;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.ModelInfo;
import org.openmaas.engine.Tokenizer;

/**
 * An engine that only tokenizes, for unit tests of validation: one token per character (its code, below
 * {@link #VOCAB_SIZE}), a chat template that writes each message as {@code role: content\n} and then
 * {@code assistant: }, and a count of the texts it tokenized. It cannot generate.
 */
public final class PromptOnlyEngine implements Engine {

    public static final int VOCAB_SIZE = 256;

    private final ModelInfo model;
    private final AtomicInteger tokenized = new AtomicInteger();
    private final Tokenizer tokenizer = new Tokenizer() {
        @Override
        public int[] tokenize(String text, boolean parseSpecial) {
            tokenized.incrementAndGet();
            return tokens(text);
        }

        @Override
        public String applyChatTemplate(List<ChatMessage> messages, boolean addAssistantPrompt) {
            if (!model.hasChatTemplate()) {
                throw new IllegalStateException("no chat template");
            }
            StringBuilder text = new StringBuilder();
            messages.forEach(m -> text.append(m.role()).append(": ").append(m.content()).append('\n'));
            return addAssistantPrompt ? text.append("assistant: ").toString() : text.toString();
        }
    };

    public PromptOnlyEngine(int contextLength, boolean hasChatTemplate) {
        this.model = new ModelInfo("prompt-only", contextLength, VOCAB_SIZE, hasChatTemplate);
    }

    /** A product of this engine, as the catalog holds it. */
    public CatalogEntry product(String productName, String modelName, PromptFormat format, boolean reproducible) {
        ProductConfig config = new ProductConfig(productName, ProductConfig.stableId(productName), modelName,
                new ModelSource.LocalFile(Path.of(productName + ".gguf")), model.contextLength(), format, null, 1,
                ProductConfig.DEFAULT_MAX_QUEUED, reproducible, ProductConfig.DEFAULT_PREFILL_CHUNK);
        return new CatalogEntry(new Product(productName, config.productId(), modelName), config, this);
    }

    /** The tokens this engine gives {@code text}. */
    public static int[] tokens(String text) {
        return text.chars().map(c -> c % VOCAB_SIZE).toArray();
    }

    /** How many texts have been tokenized so far. */
    public int tokenized() {
        return tokenized.get();
    }

    @Override
    public ModelInfo model() {
        return model;
    }

    @Override
    public Optional<Tokenizer> tokenizer() {
        return Optional.of(tokenizer);
    }

    @Override
    public Generation submit(GenerationRequest request) {
        throw new UnsupportedOperationException("this engine only tokenizes");
    }

    @Override
    public EngineLoad load() {
        return new EngineLoad(0, 0, 1);
    }

    @Override
    public void close() {
    }
}
