package org.openmaas.cli.bench;

import java.util.List;

/**
 * One measured phase of {@code bench engine}, as a worker JVM runs it and reports it back as JSON. A worker is started
 * with a phase whose prompts warm it up, then measures the same phase again and again, each time with prompts of its
 * own ({@link #withPrompts}).
 *
 * @param side               {@link #OPENMAAS} or {@link #JAVA_LLAMA_CPP}
 * @param contextPerSequence tokens per sequence; the context holds {@code slots} times as many
 * @param slots              sequences the engine decodes together (java-llama.cpp: parallel slots)
 * @param concurrent         all prompts at once, or one after another
 * @param promptTokens       0 for a generation phase; else a prompt-processing phase: each prompt is cut to exactly
 *                           this many tokens and processed alone, with one token generated
 */
record EnginePhase(String side, String model, int threads, int contextPerSequence, int slots, int maxNewTokens,
                   List<String> prompts, boolean concurrent, int promptTokens) {

    static final String OPENMAAS = "openmaas";
    static final String JAVA_LLAMA_CPP = "java-llama.cpp";

    /** The prompts each measurement of a prompt-processing phase processes. */
    static final int MEASURED_PROMPTS = 3;

    EnginePhase {
        prompts = List.copyOf(prompts);
        if (!side.equals(OPENMAAS) && !side.equals(JAVA_LLAMA_CPP)) {
            throw new IllegalArgumentException("side must be " + OPENMAAS + " or " + JAVA_LLAMA_CPP + ": " + side);
        }
    }

    /** The same phase with other prompts: the next measurement in a warm worker. */
    EnginePhase withPrompts(List<String> others) {
        return new EnginePhase(side, model, threads, contextPerSequence, slots, maxNewTokens, others, concurrent,
                promptTokens);
    }

    /**
     * What one phase measured; times in nanoseconds from the phase's start.
     *
     * @param wallNanos from the phase's start until its last sequence ended
     */
    record Result(EnginePhase phase, List<Run> runs, long wallNanos) {
    }

    /**
     * One generation.
     *
     * @param promptTokens the prompt's tokens, as the engine counted them (java-llama.cpp: its tokenizer's count of
     *                     the prompt's text)
     * @param tokens       tokens generated
     * @param ids          their ids when the side reports them (OpenMaaS), else empty
     * @param arrivalNanos when each output arrived, the first after the prompt was processed: one per token on
     *                     OpenMaaS; java-llama.cpp may merge a token that ends inside a UTF-8 character into the next
     */
    record Run(int prompt, int promptTokens, int tokens, List<Integer> ids, String text, long startNanos,
               List<Long> arrivalNanos) {

        Run {
            ids = List.copyOf(ids);
            arrivalNanos = List.copyOf(arrivalNanos);
            if (arrivalNanos.isEmpty()) {
                throw new IllegalArgumentException("a run has at least one arrival, its end");
            }
        }

        /** When the first token arrived. */
        long firstNanos() {
            return arrivalNanos.getFirst();
        }

        /** When the last token arrived. */
        long lastNanos() {
            return arrivalNanos.getLast();
        }
    }
}
