package org.openmaas.engine.llamacpp;

import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openmaas.engine.ChatMessage;
import org.openmaas.engine.Engine;
import org.openmaas.engine.EngineClosedException;
import org.openmaas.engine.EngineLoad;
import org.openmaas.engine.EngineOverloadedException;
import org.openmaas.engine.EngineStats;
import org.openmaas.engine.Generation;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.ModelInfo;
import org.openmaas.engine.Token;

/**
 * Serves one GGUF model in-process with llama.cpp.
 *
 * <p>One platform thread owns the llama.cpp context and runs the step loop: admit waiting requests into free slots,
 * drop cancelled ones, build one batch (the next token of every generating sequence plus prompt chunks of newly admitted
 * ones, or a newcomer's whole short prompt first: see {@link StepPlanner}), decode it with one {@code llama_decode}
 * call, then sample, detokenize and publish a token for every sequence that got logits, retiring those that finished.
 * Request threads only enqueue and drain their own {@link Generation}, so a slow client never stalls the loop. The
 * loop blocks when there is no work.
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
 */
public final class LlamaEngine implements Engine {

    private static final Logger LOG = Logger.getLogger(LlamaEngine.class.getName());

    /** Compute threads of the engines running in this JVM, to warn when they oversubscribe the cores. */
    private static final AtomicInteger ENGINE_THREADS = new AtomicInteger();

    /** Context per sequence when the configuration leaves it to the model: its trained context, at most this. */
    static final int DEFAULT_CONTEXT_CAP = 4096;

    /**
     * Kept cells' K and V may take this share of the model's bytes, at least {@link PrefixCache#SUBSTANTIAL_PREFIX}
     * cells. Each decode step attends over them, and attention costs several times what its bytes suggest: 1 % of
     * the model's bytes slowed a lone stream on the benchmark model by about 3 %.
     */
    static final double KEPT_CELLS_SHARE = 0.01;

    /**
     * How to run a model.
     *
     * @param contextLength tokens one sequence may hold (prompt plus generated); 0 for the model's trained context,
     *                      capped at 4096
     * @param threads       CPU threads llama.cpp computes with. Keep the sum over all engines in the process at or
     *                      below the number of cores: each engine thread keeps an OpenMP team, and with more OpenMP
     *                      threads than cores libgomp throttles its spin-waits, which slowed every decode on
     *                      stories260K tenfold (measured), even while the other engines were idle
     * @param slots         sequences decoded together; the KV cache holds {@code contextLength × slots} tokens
     * @param batchSize     most tokens in one llama_decode call; at least {@code slots}
     * @param maxQueued     requests that may wait for the engine thread and a free slot before submit() refuses more
     * @param chatTemplate  a built-in llama.cpp template name (e.g. {@code chatml}) or template source replacing the
     *                      GGUF's; null to use the GGUF's
     * @param keptCells     KV cells free slots may keep for later prompts ({@link PrefixCache}); -1 to derive it from
     *                      the model ({@link #KEPT_CELLS_SHARE})
     * @param prefillChunk  most prompt tokens beyond one a sequence in a step while another sequence generates
     *                      ({@link StepPlanner}); 0 for no bound but the batch
     */
    public record Config(Path modelPath, int contextLength, int threads, int slots, int batchSize, int maxQueued,
                         String chatTemplate, int keptCells, int prefillChunk) {
        public Config {
            Objects.requireNonNull(modelPath, "modelPath");
            if (contextLength < 0) throw new IllegalArgumentException("contextLength must be >= 0: " + contextLength);
            if (threads < 1) throw new IllegalArgumentException("threads must be >= 1: " + threads);
            if (slots < 1) throw new IllegalArgumentException("slots must be >= 1: " + slots);
            if (batchSize < slots) {
                throw new IllegalArgumentException("batchSize (" + batchSize + ") must be at least slots (" + slots
                        + ") so every generating sequence advances in each step");
            }
            if (maxQueued < 1) throw new IllegalArgumentException("maxQueued must be >= 1: " + maxQueued);
            if (keptCells < -1) throw new IllegalArgumentException("keptCells must be >= 0, or -1 for automatic: " + keptCells);
            if (prefillChunk < 0) {
                throw new IllegalArgumentException("prefillChunk must be >= 0 (0: no bound): " + prefillChunk);
            }
        }

        /** Kept cells derived from the model, prompt chunks bounded by the batch only. */
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
    private final LlamaModel model;
    private final Vocabulary vocabulary;
    private final ModelInfo info;
    private final String label;
    private final int contextLength;     // tokens per sequence
    private final MemorySegment context; // llama_context * shared by `slots` sequences: owned; freed when the loop ends
    private final FairQueue waiting;
    private final Thread thread;
    private volatile boolean closed;
    private volatile int active;         // running.size(), published for load()
    private volatile EngineStats stats = EngineStats.NONE; // replaced by the engine thread only

    // Engine thread only.
    private final Sequence[] slots;
    private final List<Sequence> running = new ArrayList<>(); // admission order
    private final PrefixCache prefixCache; // what free slots' cells in `context` still hold
    private final float[] logits;        // (vocab) one row of logits copied out of llama.cpp
    private MemorySegment isolated;      // llama_context * for one reproducible sequence, made on first use; owned
    private boolean isolatedInUse;
    private int waited;                  // prompt tokens the generating sequences of `context` sat out (StepPlanner)

    private LlamaEngine(Config config, LlamaModel model) {
        this.config = config;
        this.model = model;
        this.vocabulary = model.vocabulary();
        this.contextLength = resolveContextLength(config.contextLength(), model.trainedContextLength());
        String fileName = model.file().getFileName().toString();
        this.label = model.name() != null ? model.name() : fileName;
        this.info = new ModelInfo(model.name(), contextLength, model.vocabSize(), model.hasChatTemplate());
        this.context = createContext(model, config, (long) contextLength * config.slots(), config.slots());
        this.waiting = new FairQueue(config.maxQueued());
        this.slots = new Sequence[config.slots()];
        this.prefixCache = new PrefixCache(config.slots(), keptCells(config, model, contextLength));
        this.logits = new float[model.vocabSize()];
        this.thread = Thread.ofPlatform().name("llama-" + label).daemon(true).unstarted(this::run);
        LOG.info(() -> "serving " + fileName + " (" + label + "): " + contextLength + " tokens per sequence × "
                + config.slots() + " slots, batches of " + config.batchSize() + ", " + config.threads() + " threads, "
                + prefixCache.budget() + " KV cells kept for later prompts");
    }

    /**
     * Loads the model, creates its llama.cpp context and starts the engine thread.
     *
     * @throws IOException when the model file is missing or llama.cpp cannot load it
     */
    public static LlamaEngine start(Config config) throws IOException {
        LlamaModel model = LlamaModel.load(config.modelPath(), config.chatTemplate());
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

    private static int keptCells(Config config, LlamaModel model, int contextLength) {
        if (config.keptCells() >= 0) {
            return config.keptCells();
        }
        long affordable = (long) (KEPT_CELLS_SHARE * model.bytes() / Math.max(1, model.kvBytesPerToken()));
        return (int) Math.min((long) contextLength * config.slots(), Math.max(PrefixCache.SUBSTANTIAL_PREFIX, affordable));
    }

    private static int resolveContextLength(int configured, int trained) {
        if (configured == 0) {
            return trained > 0 ? Math.min(trained, DEFAULT_CONTEXT_CAP) : DEFAULT_CONTEXT_CAP;
        }
        if (trained > 0 && configured > trained) {
            throw new IllegalArgumentException("contextLength " + configured + " exceeds the " + trained
                    + " tokens the model was trained with");
        }
        return configured;
    }

    /** A context of {@code cells} KV cells for up to {@code sequences} sequences, with the configured batch and threads. */
    static MemorySegment createContext(LlamaModel model, Config config, long cells, int sequences) {
        if (cells > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("contextLength × slots is too large: " + cells);
        }
        MemorySegment context;
        try (Arena arena = Arena.ofConfined()) { // the by-value params struct: only needed during the call
            MemorySegment params = ContextBindings.DEFAULT_PARAMS.call(arena);
            params.set(JAVA_INT, ContextBindings.PARAMS_N_CTX, (int) cells);
            // One ubatch per decode call: a failed call then leaves the KV cache as it was.
            params.set(JAVA_INT, ContextBindings.PARAMS_N_BATCH, config.batchSize());
            params.set(JAVA_INT, ContextBindings.PARAMS_N_UBATCH, config.batchSize());
            params.set(JAVA_INT, ContextBindings.PARAMS_N_SEQ_MAX, sequences);
            params.set(JAVA_INT, ContextBindings.PARAMS_N_THREADS, config.threads());
            params.set(JAVA_INT, ContextBindings.PARAMS_N_THREADS_BATCH, config.threads());
            params.set(JAVA_BOOLEAN, ContextBindings.PARAMS_NO_PERF, true);
            context = ContextBindings.INIT_FROM_MODEL.call(model.handle(), params);
        }
        if (context.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("llama.cpp could not create a context of " + cells
                    + " tokens for " + model.file().getFileName() + " (its log says why)");
        }
        int created = ContextBindings.N_CTX.call(context);
        if (created < cells) {
            ContextBindings.FREE.call(context);
            throw new IllegalStateException("llama.cpp made a context of " + created + " tokens, not " + cells);
        }
        return context;
    }

    @Override
    public ModelInfo model() {
        return info;
    }

    @Override
    public int[] tokenize(String text, boolean parseSpecial) {
        if (closed) {
            throw closedException();
        }
        try {
            return model.tokenize(text, parseSpecial);
        } catch (IllegalStateException e) {
            if (closed) {
                throw closedException(); // the model was freed while we asked
            }
            throw e;
        }
    }

    @Override
    public String applyChatTemplate(List<ChatMessage> messages, boolean addAssistantPrompt) {
        return model.applyChatTemplate(messages, addAssistantPrompt);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when the prompt plus {@code maxNewTokens} exceed the context per sequence or
     *                                  a token id is outside the vocabulary (validation should have caught both)
     */
    @Override
    public Generation submit(GenerationRequest request) {
        if (closed) {
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
        if (closed && waiting.remove(generation)) {
            throw closedException();
        }
        return generation;
    }

    @Override
    public EngineLoad load() {
        return new EngineLoad(active, waiting.size(), config.slots());
    }

    @Override
    public EngineStats stats() {
        return stats;
    }

    /** Stops the loop, fails waiting and running generations ("the server is shutting down") and frees llama.cpp. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt(); // wakes a loop waiting for work; a running step finishes first
        if (Thread.currentThread() != thread) {
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
    }

    private EngineClosedException closedException() {
        return new EngineClosedException("the engine for " + label + " is shut down");
    }

    // ---- the engine thread

    private void run() {
        GenerationEvent.Failed failure =
                new GenerationEvent.Failed(GenerationEvent.Failed.Cause.STOPPING, "the server is shutting down");
        try (Arena arena = Arena.ofConfined()) { // the batch's arrays: live as long as this loop
            DecodeBatch batch = new DecodeBatch(arena, config.batchSize());
            while (!closed) {
                if (running.isEmpty()) {
                    waiting.awaitNotEmpty(); // sleep until there is work
                }
                admitWaiting();
                retireCancelled();
                if (!running.isEmpty()) {
                    step(batch);
                }
            }
        } catch (InterruptedException e) {
            // close() woke the idle loop.
        } catch (RuntimeException | Error e) {
            LOG.log(Level.SEVERE, "the engine for " + label + " stopped after an unexpected failure", e);
            failure = new GenerationEvent.Failed(GenerationEvent.Failed.Cause.INTERNAL,
                    "the engine stopped after an internal error");
        } finally {
            shutdown(failure);
        }
    }

    /**
     * Fills free slots from the wait queue, round-robin across accounts. A reproducible request waiting for the
     * isolated context lets the requests behind it go first; requests whose client went away never get a slot.
     */
    private void admitWaiting() {
        waiting.removeCancelled();
        while (running.size() < slots.length) {
            Generation next = waiting.pollNext(g -> !(g.request().reproducible() && isolatedInUse));
            if (next == null) {
                return;
            }
            admit(next);
        }
    }

    /**
     * Starts {@code generation} in a free slot (the caller made sure there is one): the slot whose kept cells, or a
     * running sequence's, share the longest prefix with its prompt, so only the rest is decoded.
     */
    private void admit(Generation generation) {
        if (generation.isCancelled()) {
            return;
        }
        generation.markAdmitted();
        GenerationRequest request = generation.request();
        int[] free = freeSlots();
        if (request.reproducible()) {
            admitReproducible(generation, prefixCache.takeLeastRecentlyUsed(free));
            return;
        }
        PrefixCache.Placement placement = prefixCache.place(request.promptTokens(), free, runningCells());
        int slot = placement.slot();
        if (placement.copies()) {
            ContextBindings.KV_SELF_SEQ_RM.call(context, slot, -1, -1);
            ContextBindings.KV_SELF_SEQ_CP.call(context, placement.source(), slot, 0, placement.reuse());
        } else {
            ContextBindings.KV_SELF_SEQ_RM.call(context, slot, placement.reuse(), -1); // the cells the new prompt does not share
        }
        prefixCache.forget(slot); // from now on the sequence describes the slot's cells
        EngineStats before = stats;
        stats = new EngineStats(before.prefixCacheLookups() + 1,
                before.prefixCacheHits() + (placement.reuse() > 0 ? 1 : 0),
                before.promptTokens() + request.promptTokens().length,
                before.reusedPromptTokens() + placement.reuse());
        start(generation, slot, context, slot, placement.reuse());
    }

    /**
     * Starts a reproducible generation in the isolated context, from an empty cache. It still takes a slot (the
     * least recently used), but leaves that slot's cells in the shared context alone.
     */
    private void admitReproducible(Generation generation, int slot) {
        if (isolated == null) {
            try {
                isolated = createContext(model, config, contextLength, 1);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "no context for reproducible requests on " + label, e);
                generation.publish(new GenerationEvent.Failed(GenerationEvent.Failed.Cause.INTERNAL,
                        "the engine has no memory for a reproducible request"));
                return;
            }
        }
        isolatedInUse = true;
        start(generation, slot, isolated, 0, 0);
    }

    private void start(Generation generation, int slot, MemorySegment home, int seqId, int reuse) {
        GenerationRequest request = generation.request();
        SamplerChain sampler = SamplerChain.create(request.sampling(), contextLength);
        sampler.acceptPrompt(request.promptTokens());
        Sequence sequence = new Sequence(generation, slot, home, seqId, sampler,
                new Transcript(vocabulary, request.maxNewTokens(), request.stopSequences()), reuse);
        slots[slot] = sequence;
        running.add(sequence);
        active = running.size();
    }

    private int[] freeSlots() {
        int[] free = new int[slots.length - running.size()];
        int n = 0;
        for (int slot = 0; slot < slots.length; slot++) {
            if (slots[slot] == null) {
                free[n++] = slot;
            }
        }
        return free;
    }

    /** The cells running sequences hold in the shared context, which a new sequence may share. */
    private List<PrefixCache.Cells> runningCells() {
        List<PrefixCache.Cells> cells = new ArrayList<>(running.size());
        for (Sequence sequence : running) {
            if (sequence.context == context) {
                cells.add(new PrefixCache.Cells(sequence.slot, sequence.cellTokens(), sequence.position()));
            }
        }
        return cells;
    }

    private void retireCancelled() {
        for (Sequence sequence : List.copyOf(running)) {
            if (sequence.generation.isCancelled()) {
                retire(sequence, true);
            }
        }
    }

    /**
     * Frees the sequence's sampler and slot at once, so the next request can use them this step.
     *
     * @param keepCells leave its KV cells in the shared context for a later prompt with the same prefix (only when
     *                  they hold what the sequence decoded: not after a failure)
     */
    private void retire(Sequence sequence, boolean keepCells) {
        if (sequence.context == isolated) {
            ContextBindings.KV_SELF_CLEAR.call(isolated); // the next reproducible sequence starts from the same empty cache
            isolatedInUse = false;
        } else if (keepCells) {
            for (PrefixCache.Trim trim : prefixCache.keep(sequence.slot, sequence.cellTokens(), sequence.position())) {
                ContextBindings.KV_SELF_SEQ_RM.call(context, trim.slot(), trim.from(), -1);
            }
        } else {
            ContextBindings.KV_SELF_SEQ_RM.call(context, sequence.seqId, -1, -1);
        }
        sequence.sampler.close();
        slots[sequence.slot] = null;
        running.remove(sequence);
        active = running.size();
    }

    private record Output(Sequence sequence, int batchIndex) {
    }

    /** One decode call per context that has running sequences. */
    private void step(DecodeBatch batch) {
        List<Sequence> shared = new ArrayList<>(running.size());
        Sequence alone = null;
        for (Sequence sequence : running) {
            if (sequence.context == context) {
                shared.add(sequence);
            } else {
                alone = sequence;
            }
        }
        if (!shared.isEmpty()) {
            step(batch, context, shared);
        }
        if (alone != null) {
            step(batch, isolated, List.of(alone));
        }
    }

    private void step(DecodeBatch batch, MemorySegment target, List<Sequence> sequences) {
        List<StepPlanner.Candidate> candidates = new ArrayList<>(sequences.size());
        for (Sequence sequence : sequences) {
            candidates.add(new StepPlanner.Candidate(sequence.slot, sequence.pending()));
        }
        int budget = config.batchSize();
        // Only the shared context runs prompts beside generating sequences; the isolated one has a single sequence.
        int waitedHere = target == context ? waited : 0;
        StepPlanner.Plan plan;
        List<Output> outputs;
        int status;
        while (true) {
            plan = StepPlanner.plan(candidates, budget, config.prefillChunk() == 0 ? budget : config.prefillChunk(),
                    waitedHere);
            outputs = fill(batch, plan.portions());
            status = batch.decode(target);
            if (!BatchBindings.noRunOfFreeCells(status)) {
                break;
            }
            // Sequences' cells interleave, so as they come and go the free cells fragment and a batch may find no
            // run long enough although the cache has room. Cells kept for later prompts give way first.
            int evicted = target == context ? prefixCache.evictLeastRecentlyUsed() : -1;
            if (evicted >= 0) {
                ContextBindings.KV_SELF_SEQ_RM.call(context, evicted, -1, -1);
                continue;
            }
            if (batch.size() == 1) {
                break;
            }
            // Then halve the batch, as llama-server does; one token always fits, because no slot holds more than its
            // share of the cache. (Compacting the cache with llama_kv_self_defrag is no remedy: at b4916 it aborts.)
            LOG.fine(() -> "no run of free KV cells for " + batch.size() + " tokens on " + label + "; halving the batch");
            budget = batch.size() / 2;
        }
        if (target == context) {
            waited = plan.generatingSitOut() ? waited + batch.size() : 0;
        }
        if (status != 0) {
            LOG.warning("llama_decode returned " + status + " for a batch of " + batch.size() + " tokens on " + label);
            for (StepPlanner.Portion portion : plan.portions()) {
                Sequence sequence = slots[portion.slot()];
                sequence.generation.publish(new GenerationEvent.Failed(GenerationEvent.Failed.Cause.INTERNAL,
                        "the engine could not decode this request (llama_decode returned " + status + ")"));
                retire(sequence, false);
            }
            return;
        }
        for (StepPlanner.Portion portion : plan.portions()) {
            slots[portion.slot()].advance(portion.tokens());
        }
        for (Output output : outputs) {
            emit(output.sequence(), output.batchIndex());
        }
    }

    /** Refills the batch with the plan's tokens; returns where the logits to sample will be. */
    private List<Output> fill(DecodeBatch batch, List<StepPlanner.Portion> plan) {
        batch.clear();
        List<Output> outputs = new ArrayList<>(plan.size());
        for (StepPlanner.Portion portion : plan) {
            Sequence sequence = slots[portion.slot()];
            for (int offset = 0; offset < portion.tokens(); offset++) {
                // Logits only where a token gets sampled: the prompt's last token and every generated one.
                boolean wantLogits = sequence.needsLogits(offset);
                int index = batch.add(sequence.tokenAt(offset), sequence.position() + offset, sequence.seqId, wantLogits);
                if (wantLogits) {
                    outputs.add(new Output(sequence, index));
                }
            }
        }
        return outputs;
    }

    /** Samples the sequence's next token from the logits at {@code batchIndex} and publishes it. */
    private void emit(Sequence sequence, int batchIndex) {
        MemorySegment row = BatchBindings.GET_LOGITS_ITH.call(sequence.context, batchIndex);
        if (row.equals(MemorySegment.NULL)) {
            sequence.generation.publish(new GenerationEvent.Failed(GenerationEvent.Failed.Cause.INTERNAL,
                    "the engine lost this request's logits"));
            retire(sequence, false);
            return;
        }
        int vocabSize = logits.length;
        // The row belongs to the context and is overwritten by the next decode: copy it, then compute in Java.
        MemorySegment.copy(row.reinterpret(JAVA_FLOAT.byteSize() * vocabSize), JAVA_FLOAT, 0, logits, 0, vocabSize);
        double logNormalizer = LogProbabilities.logNormalizer(logits, vocabSize);
        int token = sequence.sampler.sample(sequence.context, batchIndex);
        if (sequence.generation.isCancelled()) {
            retire(sequence, true); // no event after cancel()
            return;
        }
        GenerationRequest request = sequence.request;
        List<Token> alternatives = new ArrayList<>(request.topNTokens());
        for (int id : LogProbabilities.topIds(logits, vocabSize, request.topNTokens())) {
            alternatives.add(new Token(id, vocabulary.pieceText(id), (float) (logits[id] - logNormalizer),
                    vocabulary.isSpecial(id)));
        }
        Transcript.Step step = sequence.transcript.append(token, (float) (logits[token] - logNormalizer));
        GenerationEvent.TokenGenerated generated = new GenerationEvent.TokenGenerated(step.token(), alternatives);
        if (step.finish() == null) {
            sequence.generation.publish(generated);
            sequence.setNextToken(token);
            return;
        }
        OptionalLong seed = request.sampling().sample() ? OptionalLong.of(request.sampling().seed()) : OptionalLong.empty();
        sequence.generation.publish(new GenerationEvent.Finished(generated, step.finish(), request.promptTokens().length,
                sequence.transcript.generatedTokens(), sequence.transcript.text(), seed));
        retire(sequence, true);
    }

    /** Fails everything still waiting or running with {@code failure} and frees the context and the model. */
    private void shutdown(GenerationEvent.Failed failure) {
        closed = true;
        for (Sequence sequence : running) {
            if (!sequence.generation.isCancelled()) {
                sequence.generation.publish(failure);
            }
            sequence.sampler.close();
        }
        running.clear();
        active = 0;
        for (Generation generation : waiting.drain()) {
            generation.publish(failure);
        }
        ContextBindings.FREE.call(context);
        if (isolated != null) {
            ContextBindings.FREE.call(isolated);
        }
        model.close();
        ENGINE_THREADS.addAndGet(-config.threads());
        LOG.fine(() -> "the engine for " + label + " has stopped");
    }
}
