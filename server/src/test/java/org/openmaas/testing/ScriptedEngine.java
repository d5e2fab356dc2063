package org.openmaas.testing;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.openmaas.engine.Engine;
import org.openmaas.engine.EngineClosedException;
import org.openmaas.engine.EngineLoad;
import org.openmaas.engine.EngineOverloadedException;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.Generation;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.ModelInfo;
import org.openmaas.engine.Prompt;
import org.openmaas.engine.Sampling;
import org.openmaas.engine.Token;
import org.openmaas.engine.Tokenizer;

/**
 * An {@link Engine} that plays a {@link Script} per request instead of running a model, for tests of everything around
 * an engine: validation, admission, the wire formats, cancellation and shutdown. It keeps an engine's contract: a
 * bounded wait queue and a number of slots, generations admitted in order as slots free, {@link Generation#cancel()}
 * honoured at the next step (a queued generation never starts), and {@link #close()} ending every generation with
 * "the server is shutting down" before it returns.
 *
 * <p>With a tokenizer ({@link WordTokenizer}) it stands for the embedded engine, without one for a remote engine that
 * counts prompts itself: it then reports a text prompt's whitespace-separated words as its prompt tokens.
 */
public final class ScriptedEngine implements Engine {

    /** The model every scripted engine reports unless told otherwise: a context of 4096 tokens, a chat template. */
    public static final ModelInfo MODEL = new ModelInfo("scripted", 4096, 1000, true);

    /** Ids of the alternatives {@link #untilMaxNewTokens} reports: apart from the words' own. */
    private static final int ALTERNATIVE_ID = 900;
    /** How often a held generation looks whether it was cancelled ({@link Generation} signals nothing). */
    private static final Duration CANCEL_CHECK = Duration.ofMillis(5);
    /** Between the tokens of an endless script: a pace, so nothing fills memory faster than a client reads. */
    private static final Duration PACE = Duration.ofMillis(1);

    private final ModelInfo model;
    private final Optional<Tokenizer> tokenizer;
    private final int slots;
    private final int maxQueued;
    private final Function<GenerationRequest, Script> scripts;
    private final Queue<Script> next = new ConcurrentLinkedQueue<>();
    private final List<GenerationRequest> submitted = new CopyOnWriteArrayList<>();
    private final ExecutorService players = Executors.newVirtualThreadPerTaskExecutor();
    private final ArrayDeque<Generation> waiting = new ArrayDeque<>(); // guarded by this
    private int active; // guarded by this
    private volatile boolean closed;

    private ScriptedEngine(Builder builder) {
        this.model = builder.model;
        this.tokenizer = !builder.withTokenizer ? Optional.empty()
                : Optional.of(builder.tokenizer != null ? builder.tokenizer : new WordTokenizer(model.vocabSize()));
        this.slots = builder.slots;
        this.maxQueued = builder.maxQueued;
        this.scripts = builder.scripts;
    }

    /** An engine with a tokenizer, one slot, a queue of 64, and {@link #untilMaxNewTokens} for every request. */
    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private ModelInfo model = MODEL;
        private boolean withTokenizer = true;
        private Tokenizer tokenizer; // null: a WordTokenizer of the model's vocabulary
        private int slots = 1;
        private int maxQueued = 64;
        private Function<GenerationRequest, Script> scripts = ScriptedEngine::untilMaxNewTokens;

        private Builder() {
        }

        public Builder model(ModelInfo model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /** Prompts are tokenized by {@code tokenizer} (by default a {@link WordTokenizer}). */
        public Builder tokenizer(Tokenizer tokenizer) {
            this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
            this.withTokenizer = true;
            return this;
        }

        /** Without a tokenizer here: validation hands over text and the engine counts it. */
        public Builder withoutTokenizer() {
            this.withTokenizer = false;
            return this;
        }

        public Builder slots(int slots) {
            this.slots = slots;
            return this;
        }

        public Builder maxQueued(int maxQueued) {
            this.maxQueued = maxQueued;
            return this;
        }

        /** The script of every request. */
        public Builder script(Script script) {
            return scripts(request -> script);
        }

        /** A script per request, chosen when the request gets a slot (unless {@link #playNext} chose one). */
        public Builder scripts(Function<GenerationRequest, Script> scripts) {
            this.scripts = Objects.requireNonNull(scripts, "scripts");
            return this;
        }

        public ScriptedEngine build() {
            return new ScriptedEngine(this);
        }
    }

    /**
     * As many words as the request may generate (" w0", " w1", ...), each with the {@code topNTokens} alternatives the
     * request asked for (the chosen token first), ending for LENGTH, as a model that never stops would.
     */
    public static Script untilMaxNewTokens(GenerationRequest request) {
        Script.Builder script = Script.builder();
        for (int i = 0; i < request.maxNewTokens(); i++) {
            Token chosen = new Token(Script.Builder.FIRST_ID + i, " w" + i, Script.Builder.LOGPROB, false);
            List<Token> top = new ArrayList<>();
            for (int k = 0; k < request.topNTokens(); k++) {
                top.add(k == 0 ? chosen : new Token(ALTERNATIVE_ID + k, " alt" + k, Script.Builder.LOGPROB - k, false));
            }
            script.token(chosen, top);
        }
        return script.finish(FinishReason.LENGTH);
    }

    /** The next generation to get a slot plays {@code script} instead of its builder's choice. */
    public void playNext(Script script) {
        next.add(Objects.requireNonNull(script, "script"));
    }

    /** Every request this engine accepted, in order. */
    public List<GenerationRequest> submitted() {
        return List.copyOf(submitted);
    }

    @Override
    public ModelInfo model() {
        return model;
    }

    @Override
    public Optional<Tokenizer> tokenizer() {
        return tokenizer;
    }

    @Override
    public Generation submit(GenerationRequest request) {
        Generation generation = new Generation(request);
        synchronized (this) {
            if (closed) {
                throw new EngineClosedException("the scripted engine is shut down");
            }
            if (active < slots) {
                start(generation);
            } else {
                waiting.removeIf(Generation::isCancelled);
                if (waiting.size() >= maxQueued) {
                    throw new EngineOverloadedException(maxQueued);
                }
                waiting.add(generation);
            }
            submitted.add(request);
        }
        return generation;
    }

    @Override
    public synchronized EngineLoad load() {
        waiting.removeIf(Generation::isCancelled);
        return new EngineLoad(active, waiting.size(), slots);
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** Ends every generation with "the server is shutting down" and returns once none runs. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            waiting.forEach(ScriptedEngine::stopping);
            waiting.clear();
        }
        players.close(); // waits for the running scripts, which see closed at their next step
    }

    private void start(Generation generation) {
        active++;
        generation.markAdmitted();
        players.execute(() -> play(generation));
    }

    /** Called by a player whose generation ended: its slot goes to the next live waiting generation. */
    private synchronized void release() {
        active--;
        Generation next;
        while ((next = waiting.poll()) != null) {
            if (!next.isCancelled()) {
                start(next);
                return;
            }
        }
    }

    private void play(Generation generation) {
        try {
            Script queued = next.poll();
            perform(generation, queued != null ? queued : scripts.apply(generation.request()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            release();
        }
    }

    /**
     * Plays {@code script} into {@code generation}: its steps, then its end. Before every step and while holding, a
     * cancelled generation stops without another event, and a closing engine ends it with "shutting down".
     */
    private void perform(Generation generation, Script script) throws InterruptedException {
        List<Script.Step> steps = script.steps();
        StringBuilder text = new StringBuilder();
        int generated = 0;
        for (int i = 0; i < steps.size(); i++) {
            if (generation.isCancelled() || stopped(generation)) {
                return;
            }
            switch (steps.get(i)) {
                case Script.Step.Emit emit -> {
                    generated++;
                    if (!emit.token().special()) {
                        text.append(emit.token().text());
                    }
                    var event = new GenerationEvent.TokenGenerated(emit.token(), emit.topTokens());
                    if (i == steps.size() - 1 && script.end() instanceof Script.End.Finish finish) {
                        generation.publish(finished(generation.request(), event, finish, generated, text.toString()));
                        return;
                    }
                    generation.publish(event);
                }
                case Script.Step.Hold hold -> holdAt(hold.gate(), generation);
            }
        }
        if (script.end() instanceof Script.End.Endless endless) {
            var event = new GenerationEvent.TokenGenerated(endless.token(), List.of());
            while (!generation.isCancelled() && !closed) {
                generation.publish(event);
                Thread.sleep(PACE);
            }
        }
        if (generation.isCancelled() || stopped(generation)) {
            return;
        }
        if (script.end() instanceof Script.End.Fail fail) {
            generation.publish(new GenerationEvent.Failed(fail.cause(), fail.message()));
        }
    }

    /** Waits until {@code gate} opens, the generation is cancelled or the engine closes. */
    private void holdAt(Gate gate, Generation generation) throws InterruptedException {
        gate.arrive();
        while (!gate.awaitOpen(CANCEL_CHECK)) {
            if (generation.isCancelled() || closed) {
                return;
            }
        }
    }

    /** Whether the engine is closing, having told {@code generation} so. */
    private boolean stopped(Generation generation) {
        if (closed) {
            stopping(generation);
        }
        return closed;
    }

    /** As an engine reports the end: the last token, its counts, and the seed when the request sampled. */
    private static GenerationEvent.Finished finished(GenerationRequest request, GenerationEvent.TokenGenerated last,
                                                     Script.End.Finish finish, int generated, String text) {
        Sampling sampling = request.sampling();
        return new GenerationEvent.Finished(last, finish.reason(), promptTokens(request.prompt()), generated, text,
                sampling.sample() ? OptionalLong.of(sampling.seed()) : OptionalLong.empty());
    }

    private static void stopping(Generation generation) {
        generation.publish(new GenerationEvent.Failed(GenerationEvent.Failed.Cause.STOPPING,
                "the server is shutting down"));
    }

    /** What this engine counts in a prompt: exact for tokens, words for text it tokenizes "remotely". */
    private static int promptTokens(Prompt prompt) {
        return switch (prompt) {
            case Prompt.Tokens tokens -> tokens.ids().length;
            case Prompt.Text text -> words(text.text());
            case Prompt.Chat chat -> chat.messages().stream().mapToInt(m -> words(m.text())).sum();
        };
    }

    private static int words(String text) {
        return text.isBlank() ? 0 : text.strip().split("\\s+").length;
    }

    /**
     * A tokenizer whose counts a test can work out by eye: BOS (id 1), then one token per whitespace-separated word.
     * Its chat template writes {@code <|role|>} before each message and, for the assistant's turn, {@code <|assistant|>}.
     */
    public static final class WordTokenizer implements Tokenizer {

        public static final int BOS = 1;

        private final int vocabSize;

        WordTokenizer(int vocabSize) {
            this.vocabSize = vocabSize;
        }

        @Override
        public int[] tokenize(String text, boolean parseSpecial) {
            List<Integer> ids = new ArrayList<>();
            ids.add(BOS);
            if (!text.isBlank()) {
                for (String word : text.strip().split("\\s+")) {
                    ids.add(2 + Math.floorMod(word.hashCode(), vocabSize - 2));
                }
            }
            return ids.stream().mapToInt(Integer::intValue).toArray();
        }

        @Override
        public String applyChatTemplate(Prompt.Chat chat, boolean addAssistantPrompt) {
            StringBuilder rendered = new StringBuilder();
            chat.messages().forEach(m -> rendered.append("<|").append(m.role()).append("|> ").append(m.text()).append(' '));
            return addAssistantPrompt ? rendered.append("<|assistant|>").toString() : rendered.toString().strip();
        }
    }
}
