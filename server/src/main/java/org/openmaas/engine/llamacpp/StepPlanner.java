package org.openmaas.engine.llamacpp;

import java.util.ArrayList;
import java.util.List;

/**
 * Chooses which tokens of which sequences go into the next {@code llama_decode} call of one context: a pure function
 * of the running sequences, so the policy is testable without llama.cpp.
 *
 * <p>Every sequence advances by at least one token (a generating sequence by exactly one), and what is left of the
 * token budget goes to prompt chunks, oldest sequence first. While any sequence advances by a single token (it is
 * generating), the prompt chunks beyond that one token each are held to the prefill chunk: on a CPU a step costs about
 * as much as the tokens in it, so a long prompt decoded in one step would stall every generating stream for the whole
 * prompt (measured: a 25-token prompt takes as long as three steps of 8 generating sequences). With nothing
 * generating, prompts take the whole budget, the fastest way to their first tokens. Only when the budget is smaller
 * than the number of sequences (the engine shrinks it when the KV cache is fragmented) do the oldest sequences advance
 * alone.
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
     * @param candidates   running sequences in admission order; each {@code pending} at least 1
     * @param budget       most tokens in one decode call, at least 1
     * @param prefillChunk most prompt tokens beyond one a sequence while a sequence is generating, at least 1
     */
    static List<Portion> plan(List<Candidate> candidates, int budget, int prefillChunk) {
        int[] tokens = new int[candidates.size()];
        int left = budget;
        for (int i = 0; i < candidates.size() && left > 0; i++) {
            tokens[i] = 1;
            left--;
        }
        if (candidates.stream().anyMatch(candidate -> candidate.pending() == 1)) {
            left = Math.min(left, prefillChunk);
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
