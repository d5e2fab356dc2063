package org.openmaas.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Items that arrive while a batch commits go together in the next; every caller gets its own item's result. */
class GroupCommitTest {

    private final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch firstStarted = new CountDownLatch(1);

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void everyCallerGetsItsOwnItemsResultAndEveryItemCommitsOnce(int inFlight) throws Exception {
        GroupCommit<String, String> commit = new GroupCommit<>(this::upperCase, item -> {
            throw new AssertionError("no batch fails");
        }, inFlight);
        List<Future<List<String>>> callers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (int t = 0; t < 16; t++) {
                int caller = t;
                callers.add(pool.submit(() -> {
                    List<String> wrong = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        String item = "item-" + caller + "-" + i;
                        if (!commit.run(item).equals(item.toUpperCase())) {
                            wrong.add(item);
                        }
                    }
                    return wrong;
                }));
            }
            for (Future<List<String>> caller : callers) {
                assertThat(caller.get()).isEmpty();
            }
        }
        List<String> committed = batches.stream().flatMap(List::stream).toList();
        assertThat(committed).hasSize(16 * 50);
        assertThat(new HashSet<>(committed)).hasSize(16 * 50);
    }

    @Test
    void itemsThatArriveWhileABatchCommitsGoTogetherInTheNext() throws Exception {
        CountDownLatch firstMayEnd = new CountDownLatch(1);
        GroupCommit<String, String> commit = new GroupCommit<>(items -> {
            if (firstStarted.getCount() > 0) {
                firstStarted.countDown();
                await(firstMayEnd);
            }
            return upperCase(items);
        }, item -> item, 1);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> commit.run("a"));
        await(firstStarted);
        List<Thread> later = new ArrayList<>();
        List<String> results = Collections.synchronizedList(new ArrayList<>());
        for (String item : List.of("b", "c", "d")) {
            later.add(Thread.ofPlatform().start(() -> results.add(commit.run(item))));
        }
        awaitWaiting(later);

        firstMayEnd.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("A");
        for (Thread thread : later) {
            thread.join(10_000);
        }
        assertThat(results).containsExactlyInAnyOrder("B", "C", "D");
        assertThat(batches).hasSize(2);
        assertThat(batches.get(1)).containsExactlyInAnyOrder("b", "c", "d");
    }

    @Test
    void aBatchThatFailsIsTriedAgainOneItemAtATimeSoOnlyTheBadItemFails() throws Exception {
        CountDownLatch firstMayEnd = new CountDownLatch(1);
        Set<String> alone = Collections.synchronizedSet(new HashSet<>());
        GroupCommit<String, String> commit = new GroupCommit<>(items -> {
            if (firstStarted.getCount() > 0) {
                firstStarted.countDown();
                await(firstMayEnd);
            }
            batches.add(items);
            if (items.contains("bad")) {
                throw new IllegalStateException("the batch was rolled back");
            }
            return items.stream().map(String::toUpperCase).toList();
        }, item -> {
            alone.add(item);
            if (item.equals("bad")) {
                throw new IllegalStateException("bad alone");
            }
            return item.toUpperCase();
        }, 1);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> commit.run("a"));
        await(firstStarted);
        CompletableFuture<String> good = new CompletableFuture<>();
        CompletableFuture<String> bad = new CompletableFuture<>();
        List<Thread> later = List.of(
                Thread.ofPlatform().start(() -> complete(good, () -> commit.run("good"))),
                Thread.ofPlatform().start(() -> complete(bad, () -> commit.run("bad"))));
        awaitWaiting(later);

        firstMayEnd.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("A");
        assertThat(good.get(10, TimeUnit.SECONDS)).isEqualTo("GOOD");
        assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).hasMessageContaining("bad alone");
        assertThat(alone).containsExactlyInAnyOrder("good", "bad");
    }

    @Test
    void aLoneItemsFailureIsThrownWithoutTryingAgain() {
        GroupCommit<String, String> commit = new GroupCommit<>(items -> {
            throw new IllegalStateException("the store is away");
        }, item -> {
            throw new AssertionError("not tried again");
        }, 1);

        assertThatThrownBy(() -> commit.run("a")).hasMessage("the store is away");
    }

    private List<String> upperCase(List<String> items) {
        batches.add(items);
        return items.stream().map(String::toUpperCase).toList();
    }

    /** Until every thread waits on the group commit's condition: each has queued its item. */
    private static void awaitWaiting(List<Thread> threads) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (threads.stream().anyMatch(thread -> thread.getState() != Thread.State.WAITING)
                && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(threads).allMatch(thread -> thread.getState() == Thread.State.WAITING);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void complete(CompletableFuture<String> result, java.util.function.Supplier<String> run) {
        try {
            result.complete(run.get());
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }
}
