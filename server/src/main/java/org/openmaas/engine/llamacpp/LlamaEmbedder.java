package org.openmaas.engine.llamacpp;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openmaas.engine.Prompt;
import org.openmaas.engine.Embedder;
import org.openmaas.engine.Engine;
import org.openmaas.engine.EngineClosedException;
import org.openmaas.engine.EngineLoad;
import org.openmaas.engine.EngineOverloadedException;
import org.openmaas.engine.Generation;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.ModelInfo;
import org.openmaas.engine.Tokenizer;
import org.openmaas.engine.UnsupportedParameterException;

/**
 * Serves one GGUF embedding model in-process: texts in, one unit-length vector each out, pooled as the GGUF declares
 * ({@code {arch}.pooling_type}: mean, cls or last). Such an engine only embeds; a generation is refused naming the
 * product. A model that declares no pooling (a generative model's GGUF) is refused at start: its context would give a
 * vector per token, not one per text.
 *
 * <p>One platform thread owns the llama.cpp context (created with embeddings on, a batch as long as the context) and
 * takes one request at a time from a bounded queue. A request's inputs are packed into as few {@code llama_decode}
 * calls as fit the batch (at most {@link #SEQUENCES} inputs each, one sequence id per input), the KV cache emptied
 * before each; every vector is then read with {@code llama_get_embeddings_seq} and L2-normalised, as llama-server's
 * {@code /v1/embeddings} does. Each input must fit the batch whole: pooling spans one ubatch only.
 */
public final class LlamaEmbedder implements Engine, Embedder, Tokenizer {

    private static final Logger LOG = Logger.getLogger(LlamaEmbedder.class.getName());

    /** Inputs pooled in one decode call at most: the context's sequence ids. */
    static final int SEQUENCES = 32;

    /** One request's inputs and where their vectors go. */
    private record Job(List<int[]> inputs, CompletableFuture<List<float[]>> vectors) {
    }

    private final LlamaModel model;
    private final String product;
    private final ModelInfo info;
    private final int contextLength;    // most tokens of one input, and of one decode call
    private final int dimensions;
    private final int maxQueued;
    private final BlockingQueue<Job> waiting;
    private final Thread thread;        // the engine thread: owns everything below
    private final MemorySegment context; // llama_context *: owned; freed on the engine thread when it ends
    private final MemorySegment memory;  // llama_memory_t of `context` (owned by it), NULL for an encoder without cache
    private final Threadpool threadpool; // the context's CPU threads: owned; freed after it
    private volatile boolean stopped;
    private volatile boolean busy;

    private LlamaEmbedder(LlamaEngine.Config config, String product, LlamaModel model, MemorySegment context,
                          Threadpool threadpool, int contextLength) {
        this.model = model;
        this.product = product;
        this.contextLength = contextLength;
        this.context = context;
        this.memory = ContextBindings.GET_MEMORY.call(context);
        this.threadpool = threadpool;
        this.dimensions = model.embeddingLength();
        this.info = new ModelInfo(model.name(), contextLength, model.vocabSize(), false);
        this.maxQueued = config.maxQueued();
        this.waiting = new ArrayBlockingQueue<>(maxQueued);
        this.thread = Thread.ofPlatform().name("llama-embed-" + product).daemon(true).unstarted(this::run);
    }

    /**
     * Loads the model, creates its context and starts the engine thread.
     *
     * @param config  the model, context length (0: the trained one, at most 4096), threads, queue and device settings;
     *                its slots and batch size are not used: a decode takes as many inputs as fit the context
     * @param product the product it serves, named in refusals
     * @throws IOException              when the model file is missing or llama.cpp cannot load it
     * @throws IllegalArgumentException when the model declares no pooling, or rank pooling (a reranker)
     */
    public static LlamaEmbedder start(LlamaEngine.Config config, String product) throws IOException {
        LlamaModel model = LlamaModel.load(config.modelPath(), null, config.gpuLayers());
        MemorySegment context = null;
        Threadpool threadpool = null;
        try {
            int contextLength = LlamaEngine.resolveContextLength(config.contextLength(), model.trainedContextLength());
            context = StepLoop.createContext(model, config, contextLength, SEQUENCES, contextLength, true);
            requirePooling(ContextBindings.POOLING_TYPE.call(context), model);
            threadpool = Threadpool.create(config.threads());
            threadpool.attach(context);
            LlamaEmbedder embedder = new LlamaEmbedder(config, product, model, context, threadpool, contextLength);
            embedder.thread.start();
            LOG.info(() -> "product " + product + " embeds with " + model.file().getFileName() + ": "
                    + embedder.dimensions + " dimensions, inputs of up to " + contextLength + " tokens, "
                    + config.threads() + " threads");
            return embedder;
        } catch (RuntimeException e) {
            if (threadpool != null) {
                threadpool.close();
            }
            if (context != null) {
                ContextBindings.FREE.call(context);
            }
            model.close();
            throw e;
        }
    }

    private static void requirePooling(int pooling, LlamaModel model) {
        if (pooling == ContextBindings.POOLING_RANK) {
            throw new IllegalArgumentException(model.file().getFileName() + " is a reranker (its GGUF declares rank "
                    + "pooling), not an embedding model; embeddings: true needs mean, cls or last pooling");
        }
        if (pooling != ContextBindings.POOLING_MEAN && pooling != ContextBindings.POOLING_CLS
                && pooling != ContextBindings.POOLING_LAST) {
            throw new IllegalArgumentException(model.file().getFileName() + " declares no pooling (its GGUF's "
                    + "<architecture>.pooling_type is absent or none, as a generative model's is), so it gives a "
                    + "vector per token, not per text; embeddings: true needs an embedding model with mean, cls or "
                    + "last pooling");
        }
    }

    @Override
    public ModelInfo model() {
        return info;
    }

    @Override
    public Optional<Tokenizer> tokenizer() {
        return Optional.of(this);
    }

    @Override
    public Optional<Embedder> embedder() {
        return Optional.of(this);
    }

    /** An input's tokens with the specials the vocabulary adds around a text, as llama.cpp's embedding tools use. */
    @Override
    public int[] tokenize(String text, boolean parseSpecial) {
        return model.tokenize(text, parseSpecial, true);
    }

    @Override
    public String applyChatTemplate(Prompt.Chat chat, boolean addAssistantPrompt) {
        throw generationRefused();
    }

    @Override
    public void requireSupported(GenerationRequest request) {
        throw generationRefused();
    }

    @Override
    public Generation submit(GenerationRequest request) {
        throw generationRefused();
    }

    private UnsupportedParameterException generationRefused() {
        return new UnsupportedParameterException("model", "product " + product + " serves embeddings only "
                + "(POST /v1/embeddings); it does not generate text");
    }

    @Override
    public int dimensions() {
        return dimensions;
    }

    @Override
    public int maxInputTokens() {
        return contextLength;
    }

    @Override
    public List<float[]> embed(List<int[]> inputs) throws InterruptedException {
        for (int[] input : inputs) {
            if (input.length == 0 || input.length > contextLength) {
                throw new IllegalArgumentException("an input has " + input.length + " tokens; 1 to " + contextLength
                        + " are allowed");
            }
        }
        if (stopped) {
            throw closed();
        }
        Job job = new Job(List.copyOf(inputs), new CompletableFuture<>());
        if (!waiting.offer(job)) {
            throw new EngineOverloadedException(maxQueued);
        }
        if (stopped && waiting.remove(job)) { // close() drained the queue just before the offer
            throw closed();
        }
        try {
            return job.vectors().get();
        } catch (InterruptedException e) {
            job.vectors().cancel(false); // the engine thread skips it
            throw e;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    @Override
    public EngineLoad load() {
        return new EngineLoad(busy ? 1 : 0, waiting.size(), 1);
    }

    /** Stops the engine thread, fails what waits ("shutting down") and frees llama.cpp. */
    @Override
    public void close() {
        stopped = true;
        thread.interrupt(); // wakes a thread waiting for work; a running decode finishes first
        LlamaEngine.awaitEnd(thread);
    }

    /** The engine thread's body: one request at a time until close(). */
    private void run() {
        try (Arena arena = Arena.ofConfined()) { // the batch's arrays: live as long as this thread
            DecodeBatch batch = new DecodeBatch(arena, contextLength);
            while (!stopped) {
                Job job = waiting.take();
                if (job.vectors().isDone()) {
                    continue; // its caller stopped waiting
                }
                busy = true;
                try {
                    job.vectors().complete(embed(batch, job.inputs()));
                } catch (RuntimeException e) {
                    LOG.log(Level.SEVERE, "embedding failed in the engine of " + product, e);
                    job.vectors().completeExceptionally(new IllegalStateException("the embedding engine failed"));
                } finally {
                    busy = false;
                }
            }
        } catch (InterruptedException e) {
            // close() woke the idle thread.
        } finally {
            stopped = true;
            for (Job job : waiting) {
                job.vectors().completeExceptionally(closed());
            }
            waiting.clear();
            ContextBindings.FREE.call(context);
            threadpool.close();
            model.close();
        }
    }

    /** The inputs' vectors, in as few decode calls as the batch allows. */
    private List<float[]> embed(DecodeBatch batch, List<int[]> inputs) {
        List<float[]> vectors = new ArrayList<>(inputs.size());
        int next = 0;
        while (next < inputs.size()) {
            batch.clear();
            if (!memory.equals(MemorySegment.NULL)) {
                ContextBindings.MEMORY_CLEAR.call(memory, false); // every decode starts each sequence at position 0
            }
            int first = next;
            while (next < inputs.size() && next - first < SEQUENCES
                    && batch.size() + inputs.get(next).length <= contextLength) {
                int[] input = inputs.get(next);
                for (int position = 0; position < input.length; position++) {
                    batch.add(input[position], position, next - first, true); // pooling needs every token's output
                }
                next++;
            }
            int status = batch.decode(context);
            if (status != 0) {
                throw new IllegalStateException("llama_decode returned " + status + " for " + (next - first)
                        + " inputs of " + batch.size() + " tokens");
            }
            for (int sequence = 0; sequence < next - first; sequence++) {
                vectors.add(pooled(sequence));
            }
        }
        return vectors;
    }

    /** Sequence {@code sequence}'s pooled vector after the last decode, scaled to unit Euclidean length. */
    private float[] pooled(int sequence) {
        MemorySegment pooled = ContextBindings.GET_EMBEDDINGS_SEQ.call(context, sequence);
        if (pooled.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("llama.cpp returned no pooled vector for sequence " + sequence);
        }
        float[] vector = pooled.reinterpret(dimensions * JAVA_FLOAT.byteSize()).toArray(JAVA_FLOAT);
        double sum = 0;
        for (float v : vector) {
            sum += (double) v * v;
        }
        double norm = Math.sqrt(sum);
        if (norm > 0) {
            for (int i = 0; i < vector.length; i++) {
                vector[i] = (float) (vector[i] / norm);
            }
        }
        return vector;
    }

    private EngineClosedException closed() {
        return new EngineClosedException("the embedding engine of " + product + " is shut down");
    }
}
