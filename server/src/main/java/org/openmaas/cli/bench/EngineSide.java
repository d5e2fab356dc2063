package org.openmaas.cli.bench;

import java.util.Arrays;

/** One engine under test in a worker JVM: loaded once, then asked for generations, several at a time. */
interface EngineSide extends AutoCloseable {

    /**
     * Generates greedily for {@code prompt}, blocking until the last token; safe to call from several threads.
     *
     * @param epoch {@link System#nanoTime()} at the start of the phase: the run's times are relative to it
     */
    EnginePhase.Run generate(int index, String prompt, int maxNewTokens, long epoch) throws Exception;

    /**
     * Processes the first {@code tokens} tokens of {@code text} as one fresh prompt and generates one token: its first
     * token's time ends the prompt's processing.
     */
    EnginePhase.Run processPrompt(int index, String text, int tokens, long epoch) throws Exception;

    /** The first {@code tokens} of a prompt's ids, for {@link #processPrompt}. */
    static int[] firstTokens(int[] ids, int tokens) {
        if (ids.length < tokens) {
            throw new IllegalArgumentException("the prompt text has " + ids.length + " tokens, fewer than " + tokens);
        }
        return Arrays.copyOf(ids, tokens);
    }
}
