package org.openmaas.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FairQueueTest {

    private final FairQueue queue = new FairQueue(10);

    @Test
    void accountsTakeTurnsWhateverOrderTheirRequestsArrivedIn() {
        Generation a1 = offer("a", "a1"), a2 = offer("a", "a2"), a3 = offer("a", "a3");
        Generation b1 = offer("b", "b1"), b2 = offer("b", "b2");
        Generation c1 = offer("c", "c1");

        assertThat(drainInTurn()).containsExactly(a1, b1, c1, a2, b2, a3);
    }

    @Test
    void anAccountThatArrivesLateGetsTheNextTurnAfterTheCurrentRound() {
        Generation a1 = offer("a", "a1"), a2 = offer("a", "a2"), a3 = offer("a", "a3");
        assertThat(queue.pollNext(g -> true)).isEqualTo(a1);
        Generation b1 = offer("b", "b1");

        assertThat(drainInTurn()).containsExactly(a2, b1, a3);
    }

    @Test
    void aFullQueueRefusesMore() {
        FairQueue small = new FairQueue(2);
        assertThat(small.offer(generation("a", "1"))).isTrue();
        assertThat(small.offer(generation("b", "2"))).isTrue();

        assertThat(small.offer(generation("c", "3"))).isFalse();
        assertThat(small.size()).isEqualTo(2);
    }

    @Test
    void cancelledRequestsLeaveWithoutATurn() {
        Generation a1 = offer("a", "a1");
        Generation b1 = offer("b", "b1");
        a1.cancel();

        queue.removeCancelled();

        assertThat(queue.size()).isEqualTo(1);
        assertThat(drainInTurn()).containsExactly(b1);
    }

    @Test
    void anIneligibleRequestLetsTheOnesBehindItGo() {
        Generation held = offer("a", "held");
        Generation a2 = offer("a", "a2");

        assertThat(queue.pollNext(g -> g != held)).isEqualTo(a2);
        assertThat(queue.pollNext(g -> g != held)).isNull();
        assertThat(queue.size()).isEqualTo(1);
    }

    @Test
    void drainTakesEverything() {
        offer("a", "a1");
        offer("b", "b1");

        assertThat(queue.drain()).hasSize(2);
        assertThat(queue.size()).isZero();
        assertThat(queue.pollNext(g -> true)).isNull();
    }

    private List<Generation> drainInTurn() {
        List<Generation> order = new ArrayList<>();
        Generation next;
        while ((next = queue.pollNext(g -> true)) != null) {
            order.add(next);
        }
        return order;
    }

    private Generation offer(String account, String id) {
        Generation generation = generation(account, id);
        assertThat(queue.offer(generation)).isTrue();
        return generation;
    }

    private static Generation generation(String account, String id) {
        return new Generation(new GenerationRequest(id, account, new int[] {1}, 1, Sampling.greedy(), List.of(), 0, false));
    }
}
