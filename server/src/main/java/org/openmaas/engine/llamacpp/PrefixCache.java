package org.openmaas.engine.llamacpp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which tokens the shared context's KV cells still hold for each free slot, and where a new prompt should go to
 * recompute as little of itself as possible: pure Java, so the policy is testable without llama.cpp.
 *
 * <p>A sequence that retires leaves its cells in the cache (its llama_seq_id is its slot, and each slot has a KV
 * stream of its own), and this class remembers their tokens. A new prompt goes to the free slot whose cells share the
 * longest prefix with it, or takes a copy of a running sequence's stream when that shares more (llama.cpp copies
 * between streams only whole: the rest is cut off after the copy). The rest of a reused slot's cells are removed only
 * then. Kept cells cost other sequences nothing: attention scans only the streams of the sequences in a step, and a
 * free slot's stream is no one else's room. An engine may still bound them ({@code keptCells}): past the budget the
 * least recently used slots lose theirs, and the newest keeps only its first cells, its prompt's beginning, where
 * shared prefixes are.
 *
 * <p>Used by the engine thread only.
 */
final class PrefixCache {

    /**
     * A shorter shared prefix does not take a slot by itself unless it covers half the prompt: a prefix of a few
     * tokens (often just BOS) would spend another, maybe valuable, slot's cells to save next to nothing. The slot a
     * prompt takes anyway (the least recently used) reuses whatever its own cells share, as llama-server's slots do.
     */
    static final int SUBSTANTIAL_PREFIX = 64;

    /**
     * Where a prompt goes.
     *
     * @param slot   a free slot
     * @param reuse  leading prompt tokens whose cells are reused: decoding starts at this position
     * @param source the slot whose first {@code reuse} cells are reused: {@code slot} itself (its own kept cells; the
     *               rest are to be removed), or a running sequence's slot whose cells {@code slot} is to share after
     *               all of its own were removed
     */
    record Placement(int slot, int reuse, int source) {
        boolean copies() {
            return source != slot;
        }
    }

    /** The tokens of a running sequence's cells: {@code tokens[0..length)}. */
    record Cells(int slot, int[] tokens, int length) {
    }

    /** Cells of {@code slot} from position {@code from} on are to be removed (0: all of them). */
    record Trim(int slot, int from) {
    }

    private final int[][] kept;      // per slot: token ids of the cells a retired sequence left, or null
    private final int[] keptLength;  // per slot: how many leading entries of kept[slot] are in the cache
    private final long[] lastUsed;   // per slot: when it was last taken or left, for least-recently-used choices
    private final int budget;        // most cells kept in all
    private long clock;

    /** @param budget the most cells free slots may keep in all */
    PrefixCache(int slots, int budget) {
        if (budget < 0) {
            throw new IllegalArgumentException("budget must be >= 0: " + budget);
        }
        kept = new int[slots][];
        keptLength = new int[slots];
        lastUsed = new long[slots];
        this.budget = budget;
    }

    /**
     * A sequence retired from {@code slot} and left cells for {@code tokens[0..length)} (the array is not copied).
     *
     * @return the cells to remove to stay within the budget: least recently used slots' first, then the end of these
     */
    List<Trim> keep(int slot, int[] tokens, int length) {
        kept[slot] = tokens;
        keptLength[slot] = length;
        lastUsed[slot] = ++clock;
        List<Trim> trims = new ArrayList<>();
        int total = Arrays.stream(keptLength).sum();
        while (total > budget) {
            int oldest = leastRecentlyUsedKeeping(slot);
            if (oldest < 0) {
                trims.add(new Trim(slot, budget));
                keptLength[slot] = budget;
                if (budget == 0) {
                    forget(slot);
                }
                break;
            }
            trims.add(new Trim(oldest, 0));
            total -= keptLength[oldest];
            forget(oldest);
        }
        return trims;
    }

    /** The least recently used slot keeping cells, other than {@code except}; -1 when there is none. */
    private int leastRecentlyUsedKeeping(int except) {
        int oldest = -1;
        for (int slot = 0; slot < kept.length; slot++) {
            if (slot != except && kept[slot] != null && (oldest < 0 || lastUsed[slot] < lastUsed[oldest])) {
                oldest = slot;
            }
        }
        return oldest;
    }

    /** {@code slot}'s cells were removed or are no longer described here (a sequence now owns the slot). */
    void forget(int slot) {
        kept[slot] = null;
        keptLength[slot] = 0;
    }

    /**
     * Chooses a slot for {@code prompt} among {@code free} (at least one) and marks it used.
     *
     * @param running the cells of running sequences in the same context, which a new sequence may share
     */
    Placement place(int[] prompt, int[] free, List<Cells> running) {
        // The prompt's last token is always decoded again: its logits start the generation.
        int reusable = prompt.length - 1;
        int bestSlot = -1;
        int bestOwn = 0;
        for (int slot : free) {
            int shared = Math.min(reusable, commonPrefix(prompt, kept[slot], keptLength[slot]));
            if (shared > bestOwn) {
                bestOwn = shared;
                bestSlot = slot;
            }
        }
        int bestSource = -1;
        int bestRunning = 0;
        for (Cells cells : running) {
            int shared = Math.min(reusable, commonPrefix(prompt, cells.tokens(), cells.length()));
            if (shared > bestRunning) {
                bestRunning = shared;
                bestSource = cells.slot();
            }
        }
        Placement placement;
        if (substantial(bestOwn, prompt.length) && bestOwn >= bestRunning) {
            placement = new Placement(bestSlot, bestOwn, bestSlot);
        } else if (substantial(bestRunning, prompt.length)) {
            placement = new Placement(leastRecentlyUsed(free), bestRunning, bestSource);
        } else {
            // The slot taken anyway still reuses what its own cells share, however little: it costs nothing.
            int slot = leastRecentlyUsed(free);
            placement = new Placement(slot, Math.min(reusable, commonPrefix(prompt, kept[slot], keptLength[slot])),
                    slot);
        }
        lastUsed[placement.slot()] = ++clock;
        return placement;
    }

    /** The free slot used longest ago (never-used slots first), marked used: for requests that reuse nothing. */
    int takeLeastRecentlyUsed(int[] free) {
        int slot = leastRecentlyUsed(free);
        lastUsed[slot] = ++clock;
        return slot;
    }

    private int leastRecentlyUsed(int[] free) {
        if (free.length == 0) {
            throw new IllegalStateException("no free slot");
        }
        int oldest = free[0];
        for (int slot : free) {
            if (lastUsed[slot] < lastUsed[oldest]) {
                oldest = slot;
            }
        }
        return oldest;
    }

    private static boolean substantial(int shared, int promptLength) {
        return shared > 0 && (shared >= SUBSTANTIAL_PREFIX || 2 * shared >= promptLength);
    }

    static int commonPrefix(int[] prompt, int[] tokens, int length) {
        if (tokens == null) {
            return 0;
        }
        int n = Math.min(prompt.length, length);
        int mismatch = Arrays.mismatch(prompt, 0, n, tokens, 0, n);
        return mismatch < 0 ? n : mismatch;
    }
}
