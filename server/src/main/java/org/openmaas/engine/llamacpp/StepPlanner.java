package org.openmaas.engine.llamacpp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Chooses which tokens of which sequences go into the next {@code llama_decode} call of one context: a pure function
 * of the running sequences, so the policy is testable without llama.cpp.
 *
 * <p>On a CPU a step costs about as much as the tokens in it (measured: a 25-token prompt takes as long as three steps
 * of 8 generating sequences), so the policy is about who waits for whom:
 * <ul>
 *   <li>With nothing generating, prompts take the whole budget, oldest first: the fastest way to their first tokens.
 *   <li>While sequences generate, prompts whose rests fit in one prefill chunk together are finished in a step of
 *       their own, oldest first (the oldest that fits, then each younger one that still fits). Their first tokens then
 *       wait for no other sequence's tokens, and they lose nothing: a step with both costs what the two steps cost
 *       apart. (Measured under 8 streams: time to first token p50 15–20 % lower, p99 10–30 % lower, the same
 *       throughput.) Prompts that arrive together share that step rather than take one step each, as llama-server
 *       batches them: a bigger batch costs less a token (llama-bench on 2 cores, 533 M parameters: 18 prompt tokens at
 *       153 tok/s, 512 at 290), and the last of a burst no longer waits for one step per prompt ahead of it. Between
 *       two of their tokens the generating sequences wait for at most one prefill chunk of such prompts, as they would
 *       for a chunk beside them, so arrivals cannot starve them.
 *   <li>Otherwise every sequence advances by at least one token (a generating one by exactly one), and prompts share
 *       at most one prefill chunk beyond that, oldest first: a long prompt goes in chunks beside the generating
 *       sequences instead of stalling them for the whole prompt.
 * </ul>
 * Only when the budget is smaller than the number of sequences do the oldest sequences advance alone.
 *
 * <p>A plan lists its sequences by slot, whatever their age. Each slot's sequence has a KV stream of its own, and
 * llama.cpp decodes sequences of separate streams in one pass only where their ids (the slots) ascend: in any other
 * order a step of 8 generating sequences could take up to 8 passes over the weights. Tokens of one pass are spread
 * evenly over its sequences, so a prompt's tokens beyond the generating sequences' one take a pass of their own, as
 * they do on llama-server.
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

    /**
     * One step's batch.
     *
     * @param portions         in ascending slot order
     * @param generatingSitOut whether sequences that generate were left out of it
     */
    record Plan(List<Portion> portions, boolean generatingSitOut) {
        Plan {
            portions = portions.stream().sorted(Comparator.comparingInt(Portion::slot)).toList();
        }
    }

    private StepPlanner() {
    }

    /**
     * @param candidates   running sequences in admission order; each {@code pending} at least 1
     * @param budget       most tokens in one decode call, at least 1
     * @param prefillChunk most prompt tokens beyond one a sequence while a sequence is generating, at least 1
     * @param waited       prompt tokens of the steps the generating sequences sat out since their last token
     */
    static Plan plan(List<Candidate> candidates, int budget, int prefillChunk, int waited) {
        boolean generating = candidates.stream().anyMatch(candidate -> candidate.pending() == 1);
        if (!generating) {
            return new Plan(shared(candidates, budget, budget), false);
        }
        int left = Math.min(budget, prefillChunk - waited);
        List<Portion> own = new ArrayList<>();
        for (Candidate candidate : candidates) {
            if (candidate.pending() > 1 && candidate.pending() <= left) {
                own.add(new Portion(candidate.slot(), candidate.pending()));
                left -= candidate.pending();
            }
        }
        if (!own.isEmpty()) {
            return new Plan(own, true);
        }
        return new Plan(shared(candidates, budget, prefillChunk), false);
    }

    /** One token each while the budget lasts, then at most {@code beyondOne} more to the prompts, oldest first. */
    private static List<Portion> shared(List<Candidate> candidates, int budget, int beyondOne) {
        int[] tokens = new int[candidates.size()];
        int left = budget;
        for (int i = 0; i < candidates.size() && left > 0; i++) {
            tokens[i] = 1;
            left--;
        }
        left = Math.min(left, beyondOne);
        for (int i = 0; i < candidates.size() && left > 0; i++) {
            int more = Math.min(candidates.get(i).pending() - tokens[i], left);
            tokens[i] += more;
            left -= more;
        }
        return portions(candidates, tokens);
    }

    private static List<Portion> portions(List<Candidate> candidates, int[] tokens) {
        List<Portion> portions = new ArrayList<>(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            if (tokens[i] > 0) {
                portions.add(new Portion(candidates.get(i).slot(), tokens[i]));
            }
        }
        return portions;
    }
}
