package org.openmaas.engine.llamacpp;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.openmaas.engine.Prompt;
import org.openmaas.engine.Engine;
import org.openmaas.engine.EngineClosedException;
import org.openmaas.engine.EngineLoad;
import org.openmaas.engine.EngineOverloadedException;
import org.openmaas.engine.EngineStats;
import org.openmaas.engine.FairQueue;
import org.openmaas.engine.Generation;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.ModelInfo;
import org.openmaas.engine.OutputConstraint;
import org.openmaas.engine.Tokenizer;
import org.openmaas.grammar.ConstraintGrammar;
import org.openmaas.grammar.GrammarException;

/**
 * Serves one GGUF model in-process with llama.cpp.
 *
 * <p>One platform thread owns the llama.cpp context and runs the step loop ({@link StepLoop}): admit waiting requests
 * into free slots, drop cancelled ones, build one batch (the next token of every generating sequence plus prompt chunks
 * of newly admitted ones, or a newcomer's whole short prompt first: see {@link StepPlanner}), decode it with one
 * {@code llama_decode} call, then sample, detokenize and publish a token for every sequence that got logits
 * ({@link TokenEmitter}), retiring those that finished. Request threads only enqueue and drain their own
 * {@link Generation}, so a slow client never stalls the loop. The loop blocks when there is no work.
 *
 * <p>A retired sequence leaves its KV cells behind: a new prompt that starts like one of them (a retried request,
 * the next turn of a conversation, a common system prompt) is placed in that slot, or shares a running sequence's
 * cells, and decodes only the rest (see {@link PrefixCache}). {@link #stats()} counts what that saved.
 *
 * <p>A {@linkplain GenerationRequest#reproducible() reproducible} request runs in a second context of its own, one at
 * a time, whose KV cache is cleared after each use. Sharing a decode call is not the only thing that changes logits
 * on llama.cpp's CPU kernels: attention runs over the whole KV cache, so where a sequence's cells sit among other
 * sequences' cells changes how sums are grouped, and its logits drift in the last bits (measured: from the first
 * generated token after the prompt). Alone in a fresh cache, the same request always gives the same bits. That
 * context is created on the first reproducible request, so engines that never see one pay nothing for it.
 *
 * <p>This class is what request threads use, from any thread: it checks and queues submissions, answers
 * {@link #tokenize}, {@link #load()} and {@link #stats()}, and starts and stops the engine thread. Everything that
 * thread touches belongs to its {@code StepLoop}.
 */
public final class LlamaEngine implements Engine, Tokenizer {

    private static final Logger LOG = Logger.getLogger(LlamaEngine.class.getName());

    /** Compute threads of the engines running in this JVM, to warn when they oversubscribe the cores. */
    private static final AtomicInteger ENGINE_THREADS = new AtomicInteger();

    /** Context per sequence when the configuration leaves it to the model: its trained context, at most this. */
    static final int DEFAULT_CONTEXT_CAP = 4096;

    /**
     * How to run a model.
     *
     * @param contextLength tokens one sequence may hold (prompt plus generated); 0 for the model's trained context,
     *                      capped at 4096
     * @param threads       CPU threads llama.cpp computes with. Keep the sum over all engines in the process at or
     *                      below the number of cores: each engine thread keeps an OpenMP team, and with more OpenMP
     *                      threads than cores libgomp throttles its spin-waits, which slowed every decode on
     *                      stories260K tenfold (measured), even while the other engines were idle
     * @param slots         sequences decoded together, each in a KV stream of its own of {@code contextLength} cells
     *                      (llama.cpp rounds a stream up to a multiple of 256)
     * @param batchSize     most tokens in one llama_decode call; at least {@code slots}
     * @param maxQueued     requests that may wait for the engine thread and a free slot before submit() refuses more
     * @param chatTemplate  a built-in llama.cpp template name (e.g. {@code chatml}) or template source replacing the
     *                      GGUF's; null to use the GGUF's
     * @param keptCells     KV cells free slots may keep for later prompts ({@link PrefixCache}); -1 for all they hold,
     *                      which costs the running sequences nothing
     * @param prefillChunk  most prompt tokens beyond one a sequence in a step while another sequence generates
     *                      ({@link StepPlanner}); 0 for no bound but the batch
     * @param gpuLayers     layers llama.cpp offloads to the GPU of a GPU build (0: none; -1: all)
     * @param flashAttention whether attention uses llama.cpp's flash-attention kernels
     * @param kvCacheType   what the KV cache stores keys and values as
     */
    public record Config(Path modelPath, int contextLength, int threads, int slots, int batchSize, int maxQueued,
                         String chatTemplate, int keptCells, int prefillChunk, int gpuLayers,
                         FlashAttention flashAttention, KvCacheType kvCacheType) {
        public Config {
            Objects.requireNonNull(modelPath, "modelPath");
            Objects.requireNonNull(flashAttention, "flashAttention");
            Objects.requireNonNull(kvCacheType, "kvCacheType");
            if (gpuLayers < -1) {
                throw new IllegalArgumentException("gpuLayers must be >= 0, or -1 for all: " + gpuLayers);
            }
            kvCacheType.requireSupportedWith(flashAttention);
            if (contextLength < 0) throw new IllegalArgumentException("contextLength must be >= 0: " + contextLength);
            if (threads < 1) throw new IllegalArgumentException("threads must be >= 1: " + threads);
            if (slots < 1) throw new IllegalArgumentException("slots must be >= 1: " + slots);
            if (batchSize < slots) {
                throw new IllegalArgumentException("batchSize (" + batchSize + ") must be at least slots (" + slots
                        + ") so every generating sequence advances in each step");
            }
            if (maxQueued < 1) throw new IllegalArgumentException("maxQueued must be >= 1: " + maxQueued);
            if (keptCells < -1) throw new IllegalArgumentException("keptCells must be >= 0, or -1 for all: " + keptCells);
            if (prefillChunk < 0) {
                throw new IllegalArgumentException("prefillChunk must be >= 0 (0: no bound): " + prefillChunk);
            }
        }

        /** On the CPU, llama.cpp's default attention and an F16 KV cache. */
        public Config(Path modelPath, int contextLength, int threads, int slots, int batchSize, int maxQueued,
                      String chatTemplate, int keptCells, int prefillChunk) {
            this(modelPath, contextLength, threads, slots, batchSize, maxQueued, chatTemplate, keptCells, prefillChunk,
                    0, FlashAttention.AUTO, KvCacheType.F16);
        }

        /** All cells kept, prompt chunks bounded by the batch only. */
        public Config(Path modelPath, int contextLength, int threads, int slots, int batchSize, int maxQueued,
                      String chatTemplate) {
            this(modelPath, contextLength, threads, slots, batchSize, maxQueued, chatTemplate, -1, 0);
        }

        /** The trained context (at most 4096), all processors, 4 slots, batches of 512, 64 waiting requests. */
        public static Config defaults(Path modelPath) {
            return new Config(modelPath, 0, Runtime.getRuntime().availableProcessors(), 4, 512, 64, null);
        }
    }

    private final Config config;
    private final LlamaModel model;      // shared with the loop, which closes it when it ends
    private final ModelInfo info;
    private final String label;
    private final int contextLength;     // tokens per sequence
    private final FairQueue waiting;     // request threads offer, the engine thread takes
    private final StepLoop loop;
    private final Thread thread;         // the engine thread: runs the loop

    private LlamaEngine(Config config, LlamaModel model) {
        this.config = config;
        this.model = model;
        this.contextLength = resolveContextLength(config.contextLength(), model.trainedContextLength());
        String fileName = model.file().getFileName().toString();
        this.label = model.name() != null ? model.name() : fileName;
        this.info = new ModelInfo(model.name(), contextLength, model.vocabSize(), model.hasChatTemplate());
        this.waiting = new FairQueue(config.maxQueued());
        int keptCells = keptCells(config, contextLength);
        this.loop = new StepLoop(config, model, label, contextLength, keptCells, waiting);
        this.thread = Thread.ofPlatform().name("llama-" + label).daemon(true).unstarted(this::runLoop);
        LOG.info(() -> "serving " + fileName + " (" + label + "): " + contextLength + " tokens per sequence × "
                + config.slots() + " slots, batches of " + config.batchSize() + ", " + config.threads() + " threads, "
                + keptCells + " KV cells kept for later prompts, " + config.kvCacheType().label() + " KV cache, flash "
                + "attention " + config.flashAttention().label() + ", " + config.gpuLayers() + " GPU layers");
    }

    /**
     * Loads the model, creates its llama.cpp context and starts the engine thread.
     *
     * @throws IOException when the model file is missing or llama.cpp cannot load it
     */
    public static LlamaEngine start(Config config) throws IOException {
        LlamaModel model = LlamaModel.load(config.modelPath(), config.chatTemplate(), config.gpuLayers());
        LlamaEngine engine;
        try {
            engine = new LlamaEngine(config, model);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        int threads = ENGINE_THREADS.addAndGet(config.threads());
        int cores = Runtime.getRuntime().availableProcessors();
        if (threads > cores) {
            LOG.warning(() -> "the llama.cpp engines in this process compute with " + threads + " threads on " + cores
                    + " cores; OpenMP then stops spin-waiting and decoding slows down severalfold: give each engine"
                    + " fewer threads");
        }
        engine.thread.start();
        return engine;
    }

    /**
     * Makes every engine of this process load llama.cpp from {@code folder} (an operator's own build, say with CUDA)
     * instead of the folder {@code scripts/llama-cpp.sh libs} fills. Call it before the first engine starts; the
     * libraries load when the first engine does, so a process without embedded engines never loads them.
     *
     * @throws IllegalStateException when llama.cpp is already loaded from another folder
     */
    public static void useLibraryFolder(Path folder) {
        LlamaLibrary.useFolder(folder);
    }

    private static int keptCells(Config config, int contextLength) {
        return config.keptCells() >= 0 ? config.keptCells() : (int) Math.min(Integer.MAX_VALUE,
                (long) contextLength * config.slots());
    }

    static int resolveContextLength(int configured, int trained) {
        if (configured == 0) {
            return trained > 0 ? Math.min(trained, DEFAULT_CONTEXT_CAP) : DEFAULT_CONTEXT_CAP;
        }
        if (trained > 0 && configured > trained) {
            throw new IllegalArgumentException("contextLength " + configured + " exceeds the " + trained
                    + " tokens the model was trained with");
        }
        return configured;
    }

    /** The engine thread's body. */
    private void runLoop() {
        try {
            loop.run();
        } finally {
            ENGINE_THREADS.addAndGet(-config.threads());
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
    public int[] tokenize(String text, boolean parseSpecial) {
        if (loop.isStopped()) {
            throw closedException();
        }
        try {
            return model.tokenize(text, parseSpecial);
        } catch (IllegalStateException e) {
            if (loop.isStopped()) {
                throw closedException(); // the model was freed while we asked
            }
            throw e;
        }
    }

    @Override
    public String applyChatTemplate(Prompt.Chat chat, boolean addAssistantPrompt) {
        return model.applyChatTemplate(chat, addAssistantPrompt);
    }

    @Override
    public Optional<String> chatTemplate(Prompt.Chat chat) {
        return model.chatTemplate(chat);
    }

    /**
     * Compiles the request's output constraint and has llama.cpp parse the grammar, so that a grammar it would refuse
     * is a 400 before admission, not a failure in the stream.
     *
     * @throws GrammarException when the constraint cannot be expressed or llama.cpp rejects its grammar
     */
    @Override
    public void requireSupported(GenerationRequest request) {
        if (request.constraint() instanceof OutputConstraint.None) {
            return;
        }
        String grammar = ConstraintGrammar.gbnf(request.constraint());
        if (loop.isStopped()) {
            throw closedException();
        }
        boolean accepted;
        try {
            accepted = model.acceptsGrammar(grammar);
        } catch (IllegalStateException e) {
            throw loop.isStopped() ? closedException() : e; // the model was freed while we asked
        }
        if (!accepted) {
            throw new GrammarException("grammar", "its root", "llama.cpp rejected the grammar (it does not parse, "
                    + "has a left-recursive rule or repeats more than llama.cpp allows)");
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when the prompt plus {@code maxNewTokens} exceed the context per sequence or
     *                                  a token id is outside the vocabulary (validation should have caught both)
     */
    @Override
    public Generation submit(GenerationRequest request) {
        if (loop.isStopped()) {
            throw closedException();
        }
        int[] prompt = request.promptTokens();
        if ((long) prompt.length + request.maxNewTokens() > contextLength) {
            throw new IllegalArgumentException("prompt (" + prompt.length + " tokens) plus max_new_tokens ("
                    + request.maxNewTokens() + ") exceed the context of " + contextLength + " tokens");
        }
        for (int token : prompt) {
            if (token < 0 || token >= info.vocabSize()) {
                throw new IllegalArgumentException("token id " + token + " is outside the vocabulary of "
                        + info.vocabSize() + " tokens");
            }
        }
        Generation generation = new Generation(request);
        if (!waiting.offer(generation)) {
            throw new EngineOverloadedException(config.maxQueued());
        }
        // close() may have drained the queue just before our offer: take the request back rather than strand it.
        if (loop.isStopped() && waiting.remove(generation)) {
            throw closedException();
        }
        return generation;
    }

    @Override
    public EngineLoad load() {
        return new EngineLoad(loop.active(), waiting.size(), config.slots());
    }

    @Override
    public EngineStats stats() {
        return loop.stats();
    }

    /** Stops the loop, fails waiting and running generations ("the server is shutting down") and frees llama.cpp. */
    @Override
    public void close() {
        loop.stop();
        thread.interrupt(); // wakes a loop waiting for work; a running step finishes first
        awaitEnd(thread);
    }

    /**
     * Waits for an engine thread to end, unless it is the caller (an engine closed from its own thread); an interrupt
     * does not cut the wait short, since the thread frees native memory, but is kept for the caller.
     */
    static void awaitEnd(Thread thread) {
        if (Thread.currentThread() == thread) {
            return;
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private EngineClosedException closedException() {
        return new EngineClosedException("the engine for " + label + " is shut down");
    }
}
