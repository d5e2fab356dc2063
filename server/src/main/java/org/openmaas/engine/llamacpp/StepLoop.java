package org.openmaas.engine.llamacpp;

import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openmaas.engine.EngineStats;
import org.openmaas.engine.FairQueue;
import org.openmaas.engine.Generation;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.OutputConstraint;
import org.openmaas.grammar.ConstraintGrammar;

/**
 * The engine thread's loop and everything it alone touches: the llama.cpp contexts, the slots and running sequences,
 * the prefix cache, the batch. Each step admits waiting requests into free slots, drops cancelled ones, builds one
 * batch per context ({@link StepPlanner} chooses what goes in), decodes it, hands every sequence that got logits to
 * the {@link TokenEmitter} and retires those that ended. The loop blocks when there is no work.
 *
 * <p>Owned by the engine thread that {@link LlamaEngine} starts to {@link #run()} it: only that thread touches the
 * loop's state. Other threads may only {@link #stop()} it and read what it publishes for them: {@link #isStopped()},
 * {@link #active()} and {@link #stats()}.
 */
final class StepLoop {

    private static final Logger LOG = Logger.getLogger(StepLoop.class.getName());

    private final LlamaEngine.Config config;
    private final LlamaModel model;
    private final Vocabulary vocabulary;
    private final String label;
    private final int contextLength;     // tokens per sequence
    private final FairQueue waiting;     // shared with request threads, which offer to it
    private volatile boolean stopped;    // set by stop() from any thread, or by the loop when it ends
    private volatile int active;         // running.size(), published for LlamaEngine.load()
    private volatile EngineStats stats = EngineStats.NONE; // replaced by the engine thread only

    // Engine thread only.
    private final MemorySegment context; // llama_context * shared by `slots` sequences: owned; freed when the loop ends
    private final MemorySegment memory;  // llama_memory_t: `context`'s KV cache, owned by it
    private final Threadpool threadpool; // the contexts' CPU threads: owned; freed after them when the loop ends
    private final Sequence[] slots;
    private final List<Sequence> running = new ArrayList<>(); // admission order
    private final PrefixCache prefixCache; // what free slots' cells in `context` still hold
    private final TokenEmitter emitter;
    private MemorySegment isolated;      // llama_context * for one reproducible sequence, made on first use; owned
    private MemorySegment isolatedMemory; // llama_memory_t: `isolated`'s KV cache, owned by it
    private boolean isolatedInUse;
    private int waited;                  // prompt tokens the generating sequences of `context` sat out (StepPlanner)

    /**
     * Creates the shared context (on the calling thread, so a model that does not fit fails the start).
     *
     * @param keptCells KV cells free slots may keep for later prompts ({@link PrefixCache})
     */
    StepLoop(LlamaEngine.Config config, LlamaModel model, String label, int contextLength, int keptCells,
             FairQueue waiting) {
        this.config = config;
        this.model = model;
        this.vocabulary = model.vocabulary();
        this.label = label;
        this.contextLength = contextLength;
        this.waiting = waiting;
        this.context = createContext(model, config, (long) contextLength * config.slots(), config.slots());
        this.memory = ContextBindings.GET_MEMORY.call(context);
        try {
            this.threadpool = Threadpool.create(config.threads());
        } catch (RuntimeException e) {
            ContextBindings.FREE.call(context);
            throw e;
        }
        threadpool.attach(context);
        this.slots = new Sequence[config.slots()];
        this.prefixCache = new PrefixCache(config.slots(), keptCells);
        this.emitter = new TokenEmitter(vocabulary);
    }

    /** A context of {@code cells} KV cells for up to {@code sequences} sequences, with the configured batch and threads. */
    static MemorySegment createContext(LlamaModel model, LlamaEngine.Config config, long cells, int sequences) {
        return createContext(model, config, cells, sequences, config.batchSize(), false);
    }

    /**
     * A context as above with {@code batch} tokens per decode call; with {@code embeddings}, one that outputs every
     * sequence's pooled vector (the pooling the GGUF declares) instead of generating.
     */
    static MemorySegment createContext(LlamaModel model, LlamaEngine.Config config, long cells, int sequences,
                                       int batch, boolean embeddings) {
        if (cells > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("contextLength × slots is too large: " + cells);
        }
        MemorySegment context;
        try (Arena arena = Arena.ofConfined()) { // the by-value params struct: only needed during the call
            MemorySegment params = ContextBindings.DEFAULT_PARAMS.call(arena);
            params.set(JAVA_INT, ContextBindings.PARAMS_N_CTX, (int) cells);
            // Ubatches as large as the batch: one decode call is one pass over the weights, except where separate
            // streams need one pass per distinct token count (StepPlanner).
            params.set(JAVA_INT, ContextBindings.PARAMS_N_BATCH, batch);
            params.set(JAVA_INT, ContextBindings.PARAMS_N_UBATCH, batch);
            params.set(JAVA_BOOLEAN, ContextBindings.PARAMS_EMBEDDINGS, embeddings);
            params.set(JAVA_INT, ContextBindings.PARAMS_N_SEQ_MAX, sequences);
            params.set(JAVA_INT, ContextBindings.PARAMS_N_THREADS, config.threads());
            params.set(JAVA_INT, ContextBindings.PARAMS_N_THREADS_BATCH, config.threads());
            params.set(JAVA_BOOLEAN, ContextBindings.PARAMS_NO_PERF, true);
            params.set(JAVA_INT, ContextBindings.PARAMS_FLASH_ATTN_TYPE, config.flashAttention().value());
            params.set(JAVA_INT, ContextBindings.PARAMS_TYPE_K, config.kvCacheType().ggmlType());
            params.set(JAVA_INT, ContextBindings.PARAMS_TYPE_V, config.kvCacheType().ggmlType());
            // Generation gives every sequence a stream of cells of its own, as llama-server does: attention then
            // scans a sequence's own cells, not every cell any sequence holds (8 sequences of 800 tokens decoded 36 %
            // faster), and a slot's stream always has room for its context. Embeddings keep one pool: a batch
            // holds inputs of unequal lengths, which separate streams would decode in one pass per length.
            params.set(JAVA_BOOLEAN, ContextBindings.PARAMS_KV_UNIFIED, embeddings);
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

    /** Ends the loop at its next check; the engine thread must also be interrupted if it waits for work. */
    void stop() {
        stopped = true;
    }

    /** Whether the loop has been stopped or has ended: the engine takes no more requests. */
    boolean isStopped() {
        return stopped;
    }

    /** Sequences running now. */
    int active() {
        return active;
    }

    EngineStats stats() {
        return stats;
    }

    /**
     * Runs steps until {@link #stop()} or an unexpected failure, then fails what is still waiting or running and frees
     * the contexts and the model.
     */
    void run() {
        GenerationEvent.Failed failure =
                new GenerationEvent.Failed(GenerationEvent.Failed.Cause.STOPPING, "the server is shutting down");
        try (Arena arena = Arena.ofConfined()) { // the batch's arrays: live as long as this loop
            DecodeBatch batch = new DecodeBatch(arena, config.batchSize());
            while (!stopped) {
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
            // llama.cpp copies between streams only whole: the running sequence's stream, then the rest cut off. A
            // memory copy of the cells, far cheaper than decoding the shared prefix again.
            ContextBindings.MEMORY_SEQ_CP.call(memory, placement.source(), slot, -1, -1);
            ContextBindings.MEMORY_SEQ_RM.call(memory, slot, placement.reuse(), -1);
        } else {
            // The cells the new prompt does not share.
            ContextBindings.MEMORY_SEQ_RM.call(memory, slot, placement.reuse(), -1);
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
                isolatedMemory = ContextBindings.GET_MEMORY.call(isolated);
                threadpool.attach(isolated); // one sequence at a time on the engine thread: the pool is never shared
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
        GrammarSampler grammar = null;
        if (!(request.constraint() instanceof OutputConstraint.None)) {
            try {
                grammar = GrammarSampler.create(model, ConstraintGrammar.gbnf(request.constraint()));
            } catch (RuntimeException e) { // validation compiled it and llama.cpp took it: not expected here
                LOG.log(Level.WARNING, "the output constraint of " + request.requestId() + " failed at admission", e);
                generation.publish(new GenerationEvent.Failed(GenerationEvent.Failed.Cause.REJECTED,
                        "the output constraint cannot be used: " + e.getMessage()));
                isolatedInUse &= home != isolated; // nothing was decoded: its cells need no clearing
                return;
            }
        }
        SamplerChain sampler = SamplerChain.create(request.sampling(), vocabulary.size(), contextLength, grammar);
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
            // The next reproducible sequence starts from the same empty, zeroed cache.
            ContextBindings.MEMORY_CLEAR.call(isolatedMemory, true);
            isolatedInUse = false;
        } else if (keepCells) {
            for (PrefixCache.Trim trim : prefixCache.keep(sequence.slot, sequence.cellTokens(), sequence.position())) {
                ContextBindings.MEMORY_SEQ_RM.call(memory, trim.slot(), trim.from(), -1);
            }
        } else {
            ContextBindings.MEMORY_SEQ_RM.call(memory, sequence.seqId, -1, -1);
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
        // llama.cpp aborts on a batch over its n_batch, which it may have set below the configured batch size.
        int budget = Math.min(config.batchSize(), ContextBindings.N_BATCH.call(target));
        // Only the shared context runs prompts beside generating sequences; the isolated one has a single sequence.
        int waitedHere = target == context ? waited : 0;
        StepPlanner.Plan plan = StepPlanner.plan(candidates, budget,
                config.prefillChunk() == 0 ? budget : config.prefillChunk(), waitedHere);
        List<Output> outputs = fill(batch, plan.portions());
        // Every slot's stream holds a context's cells and no sequence grows past its context: a batch always has room.
        int status = batch.decode(target);
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
            switch (emitter.emit(output.sequence(), output.batchIndex())) {
                case GENERATING -> {
                }
                case ENDED -> retire(output.sequence(), true);
                case FAILED -> retire(output.sequence(), false);
            }
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

    /** Fails everything still waiting or running with {@code failure} and frees the contexts and the model. */
    private void shutdown(GenerationEvent.Failed failure) {
        stopped = true;
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
        threadpool.close();
        model.close();
        LOG.fine(() -> "the engine for " + label + " has stopped");
    }
}
