package org.openmaas.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PromptsTest {

    @Test
    void noTwoPromptsStartWithTheSameWordSoNoneIsServedFromAnothersCells() {
        assertThat(Prompts.ALL.stream().map(prompt -> prompt.split(" ")[0]).collect(Collectors.toSet()))
                .hasSameSizeAs(Prompts.ALL);
    }

    @Test
    void thereAreFourTimesAsManyPromptsAsTheEightStreamsOfTheBenchmarks() {
        assertThat(Prompts.ALL).hasSizeGreaterThanOrEqualTo(32);
    }

    @Test
    void indexesGoRoundTheSetBothWaysNumberingEachRound() {
        assertThat(Prompts.get(0)).isEqualTo(Prompts.ALL.getFirst());
        assertThat(Prompts.get(Prompts.ALL.size())).isEqualTo("1. " + Prompts.ALL.getFirst());
        assertThat(Prompts.get(-1)).isEqualTo("-1. " + Prompts.ALL.getLast());
    }

    @Test
    void noTwoPromptsAreTheSame() {
        // llama-server remembers whole prompts (--cache-ram): a repeated one would measure that memory
        int n = 10 * Prompts.ALL.size();
        assertThat(IntStream.range(-n, n).mapToObj(Prompts::get).distinct().count()).isEqualTo(2L * n);
    }
}
