package org.openmaas.cli.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.openmaas.catalog.ProductConfig;
import org.openmaas.engine.Generation;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.OutputConstraint;
import org.openmaas.engine.Prompt;
import org.openmaas.engine.Sampling;
import org.openmaas.engine.llamacpp.LlamaEngine;

/**
 * The embedded engine, exactly as the server runs it: batches of 512 and the catalog's default prefill chunk, greedy
 * requests that want no logprobs (the OpenAI route's default).
 */
final class OpenMaasSide implements EngineSide {

    static final int BATCH_SIZE = 512;

    private final LlamaEngine engine;

    OpenMaasSide(EnginePhase phase) throws Exception {
        engine = LlamaEngine.start(new LlamaEngine.Config(Path.of(phase.model()), phase.contextPerSequence(),
                phase.threads(), phase.slots(), Math.max(BATCH_SIZE, phase.slots()), 64, null, -1,
                ProductConfig.DEFAULT_PREFILL_CHUNK));
    }

    @Override
    public EnginePhase.Run generate(int index, String prompt, int maxNewTokens, long epoch) throws Exception {
        return generate(index, engine.tokenize(prompt, false), maxNewTokens, epoch);
    }

    @Override
    public EnginePhase.Run processPrompt(int index, String text, int tokens, long epoch) throws Exception {
        return generate(index, EngineSide.firstTokens(engine.tokenize(text, false), tokens), 1, epoch);
    }

    private EnginePhase.Run generate(int index, int[] prompt, int maxNewTokens, long epoch) throws Exception {
        long start = System.nanoTime() - epoch;
        // As the OpenAI route asks when the client wants no logprobs, and as the peers decode: no logprob a token.
        Generation generation = engine.submit(new GenerationRequest("bench-" + index, "bench",
                new Prompt.Tokens(prompt), maxNewTokens, Sampling.greedy(), List.of(), 0, false, false,
                OutputConstraint.NONE));
        List<Integer> ids = new ArrayList<>(maxNewTokens);
        List<Long> arrivals = new ArrayList<>(maxNewTokens);
        while (true) {
            GenerationEvent event = generation.take();
            long now = System.nanoTime() - epoch;
            switch (event) {
                case GenerationEvent.TokenGenerated token -> {
                    ids.add(token.token().id());
                    arrivals.add(now);
                }
                case GenerationEvent.Finished finished -> {
                    finished.lastToken().ifPresent(last -> ids.add(last.token().id()));
                    if (finished.lastToken().isPresent() || arrivals.isEmpty()) {
                        arrivals.add(now);
                    }
                    return new EnginePhase.Run(index, finished.promptTokens(), ids.size(), ids,
                            finished.generatedText(), start, arrivals);
                }
                case GenerationEvent.Failed failed -> throw new IllegalStateException(failed.message());
            }
        }
    }

    @Override
    public void close() {
        engine.close();
    }
}
