package org.openmaas.engine.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.llamacpp.PrefixCache.Cells;
import org.openmaas.engine.llamacpp.PrefixCache.Placement;

class PrefixCacheTest {

    private static final int[] ALL_FOUR = {0, 1, 2, 3};
    private static final int UNLIMITED = Integer.MAX_VALUE;

    @Test
    void aRepeatedPromptGoesToTheSlotThatKeptItAndRecomputesOnlyItsLastToken() {
        PrefixCache cache = new PrefixCache(4, UNLIMITED);
        int[] prompt = tokens(1, 10);
        cache.keep(2, extended(prompt, 99, 98), prompt.length + 2);

        assertThat(cache.place(prompt, ALL_FOUR, List.of())).isEqualTo(new Placement(2, 9, 2));
    }

    @Test
    void aPartlySharedPromptReusesExactlyTheSharedPart() {
        PrefixCache cache = new PrefixCache(4, UNLIMITED);
        cache.keep(1, new int[] {1, 2, 3, 4, 5, 6, 7, 8}, 8);

        assertThat(cache.place(new int[] {1, 2, 3, 4, 5, 6, 40, 41}, ALL_FOUR, List.of())).isEqualTo(new Placement(1, 6, 1));
    }

    @Test
    void onlyTheCellsStillInTheCacheCount() {
        PrefixCache cache = new PrefixCache(2, UNLIMITED);
        cache.keep(0, new int[] {1, 2, 3, 4, 5, 6, 7, 8}, 4); // the array is longer than what was decoded

        assertThat(cache.place(tokens(1, 8), new int[] {0, 1}, List.of())).isEqualTo(new Placement(0, 4, 0));
    }

    @Test
    void theSlotSharingTheLongestPrefixWins() {
        PrefixCache cache = new PrefixCache(4, UNLIMITED);
        cache.keep(0, new int[] {1, 2, 3, 9}, 4);
        cache.keep(3, new int[] {1, 2, 3, 4, 5, 9}, 6);

        assertThat(cache.place(tokens(1, 8), ALL_FOUR, List.of()).slot()).isEqualTo(3);
    }

    @Test
    void aPrefixOfJustBosLeavesTheSlotThatKeptItAndTakesTheLeastRecentlyUsedOne() {
        PrefixCache cache = new PrefixCache(2, UNLIMITED);
        Placement first = cache.place(new int[] {1, 20, 21, 22}, new int[] {0, 1}, List.of());
        cache.keep(first.slot(), new int[] {1, 20, 21, 22}, 4);

        Placement second = cache.place(new int[] {1, 30, 31, 32}, new int[] {0, 1}, List.of());
        assertThat(second.slot()).isNotEqualTo(first.slot());
        assertThat(second.reuse()).isZero();
    }

    @Test
    void theSlotTakenAnywayReusesTheShortPrefixItsOwnCellsShare() {
        // Two of eight tokens shared: too little to choose a slot by, but the only free slot is taken anyway.
        PrefixCache cache = new PrefixCache(1, UNLIMITED);
        cache.keep(0, new int[] {1, 20, 21, 22, 23, 24}, 6);

        assertThat(cache.place(new int[] {1, 20, 30, 31, 32, 33, 34, 35}, new int[] {0}, List.of()))
                .isEqualTo(new Placement(0, 2, 0));
    }

    @Test
    void aLongCommonSystemPromptIsReusedEvenWhenTheRestOfThePromptIsLonger() {
        PrefixCache cache = new PrefixCache(2, UNLIMITED);
        int[] system = tokens(1, PrefixCache.SUBSTANTIAL_PREFIX);
        cache.keep(0, extended(system, 500, 501), system.length + 2);
        int[] prompt = extended(system, IntStream.range(1000, 1200).toArray());

        assertThat(cache.place(prompt, new int[] {0, 1}, List.of())).isEqualTo(new Placement(0, system.length, 0));
    }

    @Test
    void aRunningSequencesCellsAreSharedWhenNoFreeSlotKeptThePrefix() {
        PrefixCache cache = new PrefixCache(3, UNLIMITED);
        int[] prompt = tokens(1, 12);
        Cells running = new Cells(0, extended(prompt, 7), 10); // still decoding its prompt: 10 cells so far

        Placement placement = cache.place(prompt, new int[] {1, 2}, List.of(running));
        assertThat(placement.source()).isZero();
        assertThat(placement.reuse()).isEqualTo(10);
        assertThat(placement.copies()).isTrue();
    }

    @Test
    void aSlotsOwnCellsArePreferredToARunningSequencesThatShareNoMore() {
        PrefixCache cache = new PrefixCache(3, UNLIMITED);
        int[] prompt = tokens(1, 12);
        cache.keep(2, prompt, prompt.length);

        Placement placement = cache.place(prompt, new int[] {1, 2}, List.of(new Cells(0, prompt, prompt.length)));
        assertThat(placement).isEqualTo(new Placement(2, 11, 2));
        assertThat(placement.copies()).isFalse();
    }

    @Test
    void aForgottenSlotOffersNothing() {
        PrefixCache cache = new PrefixCache(1, UNLIMITED);
        int[] prompt = tokens(1, 10);
        cache.keep(0, prompt, prompt.length);
        cache.forget(0);

        assertThat(cache.place(prompt, new int[] {0}, List.of())).isEqualTo(new Placement(0, 0, 0));
    }

    @Test
    void withNothingSharedTheLeastRecentlyUsedSlotIsTakenNeverUsedOnesFirst() {
        PrefixCache cache = new PrefixCache(3, UNLIMITED);
        assertThat(cache.takeLeastRecentlyUsed(new int[] {0, 1, 2})).isZero();
        assertThat(cache.place(new int[] {5, 6}, new int[] {0, 1, 2}, List.of()).slot()).isEqualTo(1);
        assertThat(cache.takeLeastRecentlyUsed(new int[] {0, 1, 2})).isEqualTo(2);
        assertThat(cache.takeLeastRecentlyUsed(new int[] {1, 2})).isEqualTo(1);
    }

    @Test
    void aOneTokenPromptReusesNothing() {
        PrefixCache cache = new PrefixCache(1, UNLIMITED);
        cache.keep(0, new int[] {1, 2, 3}, 3);

        assertThat(cache.place(new int[] {1}, new int[] {0}, List.of()).reuse()).isZero();
    }

    @Test
    void pastTheBudgetTheLeastRecentlyUsedSlotsLoseTheirCellsFirst() {
        PrefixCache cache = new PrefixCache(3, 25);
        assertThat(cache.keep(0, tokens(1, 10), 10)).isEmpty();
        assertThat(cache.keep(1, tokens(1, 10), 10)).isEmpty();

        assertThat(cache.keep(2, tokens(1, 10), 10)).containsExactly(new PrefixCache.Trim(0, 0));
        assertThat(cache.place(tokens(1, 10), new int[] {0}, List.of()).reuse()).isZero();
    }

    @Test
    void aSequenceLongerThanTheWholeBudgetKeepsItsFirstCells() {
        PrefixCache cache = new PrefixCache(2, 6);
        cache.keep(0, tokens(1, 4), 4);

        assertThat(cache.keep(1, tokens(1, 10), 10))
                .containsExactly(new PrefixCache.Trim(0, 0), new PrefixCache.Trim(1, 6));
        assertThat(cache.place(tokens(1, 10), new int[] {0, 1}, List.of())).isEqualTo(new Placement(1, 6, 1));
    }

    @Test
    void aBudgetOfNothingKeepsNothing() {
        PrefixCache cache = new PrefixCache(1, 0);

        assertThat(cache.keep(0, tokens(1, 10), 10)).containsExactly(new PrefixCache.Trim(0, 0));
        assertThat(cache.place(tokens(1, 10), new int[] {0}, List.of()).reuse()).isZero();
    }

    /** first, first + 1, ..., first + count - 1 */
    private static int[] tokens(int first, int count) {
        return IntStream.range(first, first + count).toArray();
    }

    private static int[] extended(int[] prefix, int... more) {
        return IntStream.concat(IntStream.of(prefix), IntStream.of(more)).toArray();
    }
}
