package org.openmaas.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
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
    void indexesGoRoundTheSetBothWays() {
        assertThat(Prompts.get(Prompts.ALL.size())).isEqualTo(Prompts.get(0));
        assertThat(Prompts.get(-1)).isEqualTo(Prompts.ALL.getLast());
    }
}
