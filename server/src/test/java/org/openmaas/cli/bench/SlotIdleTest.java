package org.openmaas.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlotIdleTest {

    /** llama-server's own lines (`--log-prefix --log-timestamps`), as the current release writes them. */
    private static final String RUN = """
            0.58.301.000 I slot      release: id  1 | task 7 | stop processing: n_tokens = 70, truncated = 0
            0.58.375.170 I slot launch_slot_: id  0 | task 9 | processing task, is_child = 0
            0.58.376.000 I slot launch_slot_: id  1 | task 10 | processing task, is_child = 0
            0.58.679.186 I slot      release: id  0 | task 9 | stop processing: n_tokens = 25, truncated = 0
            0.58.680.000 I srv  log_server_r: request: POST /completion 127.0.0.1 200
            0.58.694.186 I slot launch_slot_: id  0 | task 12 | processing task, is_child = 0
            0.59.990.500 I slot      release: id  1 | task 10 | stop processing: n_tokens = 70, truncated = 0
            1.00.000.500 I slot launch_slot_: id  1 | task 13 | processing task, is_child = 0
            1.00.300.000 I slot      release: id  0 | task 12 | stop processing: n_tokens = 70, truncated = 0
            """;

    @Test
    void eachSlotsTimeFromItsReleaseToItsNextLaunchIsAnInterval() {
        SlotIdle idle = SlotIdle.in(RUN);

        // slot 0: 58.679186 -> 58.694186 (15 ms); slot 1: 59.990500 -> 60.000500 across the minute (10 ms)
        assertThat(idle.gaps()).isEqualTo(2);
        assertThat(idle.totalMs()).isCloseTo(25.0, within(1e-9));
        assertThat(idle.meanMs()).isCloseTo(12.5, within(1e-9));
    }

    @Test
    void aReleaseBeforeTheRunsFirstLaunchIsTheRunBeforesAndStartsNoInterval() {
        // Slot 1's release at 58.301 came from the previous run: its launch at 58.376 is this run's first request.
        assertThat(SlotIdle.in(RUN).gaps()).isEqualTo(2);
        assertThat(SlotIdle.in("""
                0.10.000.000 I slot      release: id  0 | task 1 | stop processing: n_tokens = 9, truncated = 0
                0.10.005.000 I slot launch_slot_: id  0 | task 2 | processing task, is_child = 0
                """).gaps()).isZero();
    }

    @Test
    void aRunInWhichNoSlotServedTwoRequestsHasNoMean() {
        SlotIdle idle = SlotIdle.in("0.01.000.000 I slot launch_slot_: id  0 | task 0 | processing task\n");

        assertThat(idle.gaps()).isZero();
        assertThat(idle.meanMs()).isNaN();
    }

    @Test
    void sinceReadsOnlyWhatTheLogGainedFromTheGivenOffset(@TempDir Path dir) throws Exception {
        String before = """
                0.57.000.000 I slot      release: id  0 | task 3 | stop processing: n_tokens = 70, truncated = 0
                0.57.100.000 I slot launch_slot_: id  0 | task 4 | processing task, is_child = 0
                """;
        Path log = Files.writeString(dir.resolve("llama-server.log"), before + RUN);

        assertThat(SlotIdle.since(log, before.length())).isEqualTo(SlotIdle.in(RUN));
        assertThat(SlotIdle.since(log, 0).gaps()).isEqualTo(3);
    }
}
