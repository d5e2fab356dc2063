package org.openmaas.engine.llamacpp;

import java.util.ArrayList;
import java.util.List;

/**
 * Chooses which tokens of which sequences go into the next {@code llama_decode} call of one context: a pure function
 * of the running sequences, so the policy is testable without llama.cpp.
 *
 * <p>Every sequence advances by at least one token (a generating sequence by exactly one), so a long prompt never
 * stalls the others; what is left of the token budget goes to prompt chunks, oldest sequence first. Only when the
 * budget is smaller than the number of sequences (the engine shrinks it when the KV cache is fragmented) do the
 * oldest sequences advance alone.
 */
final class StepPlanner {

    /**
     * A running sequence as the planner sees it.
     *
     * @param slot    the sequence's slot
     * @param pending tokens it could decode now: 1 when generating, the prompt tokens not yet decoded otherwise
     */
    record Candidate(int slot, int pending) {
    }

    /** {@code tokens} tokens of the sequence in {@code slot} go into this step's batch. */
    record Portion(int slot, int tokens) {
    }

    private StepPlanner() {
    }

    /**
     * @param candidates running sequences in admission order; each {@code pending} at least 1
     * @param budget     most tokens in one decode call, at least 1
     */
    static List<Portion> plan(List<Candidate> candidates, int budget) {
        int[] tokens = new int[candidates.size()];
        int left = budget;
        for (int i = 0; i < candidates.size() && left > 0; i++) {
            tokens[i] = 1;
            left--;
        }
        for (int i = 0; i < candidates.size() && left > 0; i++) {
            int more = Math.min(candidates.get(i).pending() - tokens[i], left);
            tokens[i] += more;
            left -= more;
        }
        List<Portion> portions = new ArrayList<>(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            if (tokens[i] > 0) {
                portions.add(new Portion(candidates.get(i).slot(), tokens[i]));
            }
        }
        return portions;
    }
}
