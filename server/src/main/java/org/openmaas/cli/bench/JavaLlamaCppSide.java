package org.openmaas.cli.bench;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.LogFormat;
import de.kherud.llama.args.Sampler;
import java.util.ArrayList;
import java.util.List;

/**
 * The yardstick: java-llama.cpp's own Java API ({@code de.kherud:llama}, the jar that carries our llama.cpp build),
 * which runs llama.cpp's server loop with its parallel slots and continuous batching. Used by {@code bench engine}
 * and nowhere else.
 *
 * <p>Its pitfalls, avoided here: asking for token probabilities ({@code n_probs}) crashes it; its native threads keep
 * the JVM alive (the worker ends with {@link System#exit}); it reports neither token ids nor a token count.
 */
final class JavaLlamaCppSide implements EngineSide {

    private final LlamaModel model;

    JavaLlamaCppSide(EnginePhase phase) {
        LlamaModel.setLogger(LogFormat.TEXT, (level, message) -> { }); // its log would go to stdout as JSON
        model = new LlamaModel(new ModelParameters()
                .setModel(phase.model())
                .setThreads(phase.threads())
                .setThreadsBatch(phase.threads())
                .setParallel(phase.slots())
                .setCtxSize(phase.contextPerSequence() * phase.slots()) // divided evenly among the slots
                .setBatchSize(OpenMaasSide.BATCH_SIZE)
                .setUbatchSize(OpenMaasSide.BATCH_SIZE)
                .setGpuLayers(0));
    }

    @Override
    public EnginePhase.Run generate(int index, String prompt, int maxNewTokens, long epoch) {
        // Greedy with the fewest samplers: temperature 0 keeps only the most likely token. EOS is ignored so that it
        // generates exactly maxNewTokens, the only way to know how many tokens it generated.
        InferenceParameters parameters = new InferenceParameters(prompt)
                .setNPredict(maxNewTokens)
                .setSamplers(Sampler.TEMPERATURE)
                .setTemperature(0f)
                .setIgnoreEos(true);
        int promptTokens = model.encode(prompt).length;
        long start = System.nanoTime() - epoch;
        List<Long> arrivals = new ArrayList<>(maxNewTokens);
        StringBuilder text = new StringBuilder();
        for (LlamaOutput output : model.generate(parameters)) {
            arrivals.add(System.nanoTime() - epoch);
            text.append(output.text);
        }
        if (arrivals.isEmpty()) {
            arrivals.add(System.nanoTime() - epoch);
        }
        return new EnginePhase.Run(index, promptTokens, maxNewTokens, List.of(), text.toString(), start, arrivals);
    }

    @Override
    public EnginePhase.Run processPrompt(int index, String text, int tokens, long epoch) {
        // It takes text only: the first tokens, decoded back, tokenize to the same ids (or within a token of them).
        return generate(index, model.decode(EngineSide.firstTokens(model.encode(text), tokens)), 1, epoch);
    }

    @Override
    public void close() {
        // Nothing: freeing the model while its server thread runs can crash, and the worker exits right after.
    }
}
