package org.openmaas.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class CpuPlacementTest {

    @Test
    void autoGivesTheUpstreamTheUpperHalfOfTheCpusAndTheClientsTheRest() {
        CpuPlacement two = CpuPlacement.parse("auto", 2);
        assertThat(two.upstream()).containsExactly(1);
        assertThat(two.front()).containsExactly(0);
        assertThat(two.upstreamThreads(2)).isEqualTo(1);
        assertThat(CpuPlacement.parse("auto", 8).upstream()).containsExactly(4, 5, 6, 7);
    }

    @Test
    void autoOnOneCpuAndSharedLeaveEveryProcessOnEveryCpu() {
        assertThat(CpuPlacement.parse("auto", 1).isShared()).isTrue();
        CpuPlacement shared = CpuPlacement.parse("shared", 4);
        assertThat(shared.isShared()).isTrue();
        assertThat(shared.upstreamThreads(4)).isEqualTo(4);
        assertThat(shared.upstream(List.of("llama-server", "-m", "x"))).containsExactly("llama-server", "-m", "x");
    }

    @Test
    void aListNamesTheUpstreamsCpusAndItsCommandRunsUnderTaskset() {
        CpuPlacement placement = CpuPlacement.parse("1,3-4", 6);
        assertThat(placement.upstream()).containsExactly(1, 3, 4);
        assertThat(placement.front()).containsExactly(0, 2, 5);
        assertThat(placement.upstream(List.of("llama-server"))).containsExactly("/usr/bin/taskset", "--cpu-list",
                "1,3,4", "llama-server");
        assertThat(placement.front(List.of("java"))).containsExactly("/usr/bin/taskset", "--cpu-list", "0,2,5",
                "java");
    }

    @Test
    void aListThatIsNotOneOrLeavesNoCpuForTheClientsIsRefusedSayingWhatIsAllowed() {
        assertThatThrownBy(() -> CpuPlacement.parse("one", 2)).hasMessageContaining("auto, shared or a CPU list");
        assertThatThrownBy(() -> CpuPlacement.parse("3-1", 4)).hasMessageContaining("auto, shared or a CPU list");
        assertThatThrownBy(() -> CpuPlacement.parse("2", 2)).hasMessageContaining("from 0 to 1");
        assertThatThrownBy(() -> CpuPlacement.parse("0-1", 2)).hasMessageContaining("leave at least one");
    }

    @Test
    void pinningTheWholeProcessHoldsWhileItsThreadsComeAndGoAndClosingGivesBackTheCpusItHad() throws Exception {
        String had = allowedCpus();
        int first = Integer.parseInt(had.split("[-,]")[0]);
        CpuPlacement placement = new CpuPlacement(List.of(first), List.of(first));
        AtomicBoolean churning = new AtomicBoolean(true);
        // A JVM starts and ends threads all the time (a test's JVM more than most): taskset walks the task list while
        // some of them exit, which once failed a CI run with "No such process".
        Thread churn = Thread.ofPlatform().start(() -> {
            while (churning.get()) {
                try {
                    Thread.ofPlatform().start(() -> { }).join();
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            for (int i = 0; i < 30; i++) {
                try (CpuPlacement.Pin pinned = placement.pinThisProcess()) {
                    assertThat(allowedCpus()).isEqualTo(Integer.toString(first));
                }
                assertThat(allowedCpus()).isEqualTo(had);
            }
        } finally {
            churning.set(false);
            churn.join();
        }
    }

    /** The CPUs the calling thread may run on, as the kernel lists them ("0-1"). */
    private static String allowedCpus() throws Exception {
        return Files.readAllLines(Path.of("/proc/thread-self/status")).stream()
                .filter(line -> line.startsWith("Cpus_allowed_list:"))
                .map(line -> line.substring(line.indexOf(':') + 1).strip()).findFirst().orElseThrow();
    }
}
