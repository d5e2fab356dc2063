package org.openmaas.engine.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.llamacpp.StepPlanner.Candidate;
import org.openmaas.engine.llamacpp.StepPlanner.Portion;

class StepPlannerTest {

    @Test
    void generatingSequencesGetOneTokenEachAndPromptsShareTheRestOldestFirst() {
        List<Portion> plan = StepPlanner.plan(List.of(
                new Candidate(0, 1), new Candidate(1, 300), new Candidate(2, 1), new Candidate(3, 300)), 512, 512);

        assertThat(plan).containsExactly(new Portion(0, 1), new Portion(1, 300), new Portion(2, 1), new Portion(3, 210));
    }

    @Test
    void whileASequenceGeneratesPromptsShareOnlyThePrefillChunkBeyondTheirOneToken() {
        List<Portion> plan = StepPlanner.plan(List.of(
                new Candidate(0, 1), new Candidate(1, 300), new Candidate(2, 50)), 512, 64);

        assertThat(plan).containsExactly(new Portion(0, 1), new Portion(1, 65), new Portion(2, 1));
    }

    @Test
    void withNothingGeneratingPromptsTakeTheWholeBudgetWhateverThePrefillChunk() {
        List<Portion> plan = StepPlanner.plan(List.of(new Candidate(0, 300), new Candidate(1, 300)), 512, 64);

        assertThat(plan).containsExactly(new Portion(0, 300), new Portion(1, 212));
    }

    @Test
    void aLongPromptIsCutToTheBudgetWithoutStallingAGeneratingSequence() {
        List<Portion> plan = StepPlanner.plan(List.of(new Candidate(0, 5000), new Candidate(1, 1)), 512, 1024);

        assertThat(plan).containsExactly(new Portion(0, 511), new Portion(1, 1));
    }

    @Test
    void everyPromptAdvancesEvenWhenTheOldestCouldTakeTheWholeBudget() {
        List<Portion> plan = StepPlanner.plan(List.of(new Candidate(4, 5000), new Candidate(7, 5000)), 512, 64);

        assertThat(plan).containsExactly(new Portion(4, 511), new Portion(7, 1));
    }

    @Test
    void aBudgetSmallerThanTheSequencesAdvancesTheOldestOnly() {
        List<Portion> plan = StepPlanner.plan(
                List.of(new Candidate(2, 1), new Candidate(0, 30), new Candidate(1, 1)), 2, 64);

        assertThat(plan).containsExactly(new Portion(2, 1), new Portion(0, 1));
    }

    @Test
    void nothingRunningPlansNothing() {
        assertThat(StepPlanner.plan(List.of(), 512, 64)).isEmpty();
    }
}
