package org.openmaas.engine.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.llamacpp.StepPlanner.Candidate;
import org.openmaas.engine.llamacpp.StepPlanner.Plan;
import org.openmaas.engine.llamacpp.StepPlanner.Portion;

class StepPlannerTest {

    @Test
    void withNothingGeneratingPromptsTakeTheWholeBudgetWhateverThePrefillChunk() {
        Plan plan = StepPlanner.plan(List.of(new Candidate(0, 300), new Candidate(1, 300)), 512, 64, 0);

        assertThat(plan.portions()).containsExactly(new Portion(0, 300), new Portion(1, 212));
        assertThat(plan.generatingSitOut()).isFalse();
    }

    @Test
    void everyPromptAdvancesEvenWhenTheOldestCouldTakeTheWholeBudget() {
        Plan plan = StepPlanner.plan(List.of(new Candidate(4, 5000), new Candidate(7, 5000)), 512, 64, 0);

        assertThat(plan.portions()).containsExactly(new Portion(4, 511), new Portion(7, 1));
    }

    @Test
    void aShortPromptIsFinishedInAStepOfItsOwnWhileOthersGenerate() {
        Plan plan = StepPlanner.plan(List.of(
                new Candidate(0, 1), new Candidate(1, 25), new Candidate(2, 1)), 512, 128, 0);

        assertThat(plan.portions()).containsExactly(new Portion(1, 25));
        assertThat(plan.generatingSitOut()).isTrue();
    }

    @Test
    void anotherShortPromptGetsAStepOfItsOwnWhileTheGeneratingSequencesWaitedLessThanAChunk() {
        Plan plan = StepPlanner.plan(List.of(
                new Candidate(0, 1), new Candidate(1, 25), new Candidate(2, 1)), 512, 128, 100);

        assertThat(plan.portions()).containsExactly(new Portion(1, 25));
    }

    @Test
    void theGeneratingSequencesWaitForAtMostOnePrefillChunkOfPromptsBetweenTwoOfTheirTokens() {
        Plan plan = StepPlanner.plan(List.of(
                new Candidate(0, 1), new Candidate(1, 25), new Candidate(2, 1)), 512, 128, 110);

        assertThat(plan.portions()).containsExactly(new Portion(0, 1), new Portion(1, 25), new Portion(2, 1));
        assertThat(plan.generatingSitOut()).isFalse();
    }

    @Test
    void aStepOfItsOwnFinishesThePromptsThatFitTogetherOldestFirstAndCarriesNothingElse() {
        Plan plan = StepPlanner.plan(List.of(new Candidate(0, 300), new Candidate(1, 1), new Candidate(2, 40),
                new Candidate(3, 30)), 512, 128, 0);

        assertThat(plan.portions()).containsExactly(new Portion(2, 40), new Portion(3, 30));
        assertThat(plan.generatingSitOut()).isTrue();
    }

    @Test
    void promptsArrivingTogetherShareOneStepOfTheirOwnUpToOnePrefillChunk() {
        Plan plan = StepPlanner.plan(List.of(new Candidate(0, 1), new Candidate(1, 50), new Candidate(2, 50),
                new Candidate(3, 50), new Candidate(4, 20)), 512, 128, 0);

        assertThat(plan.portions()).containsExactly(new Portion(1, 50), new Portion(2, 50), new Portion(4, 20));
        assertThat(plan.generatingSitOut()).isTrue();
    }

    @Test
    void theRestOfABurstSharesTheStepOfTheGeneratingSequencesOnceTheyWaitedAChunk() {
        Plan plan = StepPlanner.plan(List.of(new Candidate(0, 1), new Candidate(1, 1), new Candidate(2, 1),
                new Candidate(3, 50), new Candidate(4, 1)), 512, 128, 120);

        assertThat(plan.portions()).containsExactly(new Portion(0, 1), new Portion(1, 1), new Portion(2, 1),
                new Portion(3, 50), new Portion(4, 1));
        assertThat(plan.generatingSitOut()).isFalse();
    }

    @Test
    void aLongPromptGoesInPrefillChunksBesideTheGeneratingSequences() {
        Plan plan = StepPlanner.plan(List.of(
                new Candidate(0, 1), new Candidate(1, 300), new Candidate(2, 1)), 512, 64, 0);

        assertThat(plan.portions()).containsExactly(new Portion(0, 1), new Portion(1, 65), new Portion(2, 1));
        assertThat(plan.generatingSitOut()).isFalse();
    }

    @Test
    void withoutABoundOnTheChunkALongPromptTakesWhatTheGeneratingSequencesLeave() {
        Plan plan = StepPlanner.plan(List.of(new Candidate(0, 5000), new Candidate(1, 1)), 512, 512, 0);

        assertThat(plan.portions()).containsExactly(new Portion(0, 511), new Portion(1, 1));
    }

    @Test
    void aBudgetSmallerThanTheSequencesAdvancesTheOldestOnly() {
        Plan plan = StepPlanner.plan(List.of(new Candidate(2, 1), new Candidate(0, 30), new Candidate(1, 1)), 2, 64, 0);

        assertThat(plan.portions()).containsExactly(new Portion(0, 1), new Portion(2, 1));
    }

    @Test
    void aPlanListsItsSequencesBySlotWhateverTheirAgeForLlamaCppDecodesStreamsTogetherOnlyInThatOrder() {
        Plan plan = StepPlanner.plan(List.of(new Candidate(3, 1), new Candidate(0, 1), new Candidate(2, 40),
                new Candidate(1, 1)), 512, 16, 0);

        assertThat(plan.portions()).containsExactly(new Portion(0, 1), new Portion(1, 1), new Portion(2, 17),
                new Portion(3, 1));
    }

    @Test
    void nothingRunningPlansNothing() {
        assertThat(StepPlanner.plan(List.of(), 512, 64, 0).portions()).isEmpty();
    }
}
