package org.openmaas.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class AvailableMemoryTest {

    @Test
    void memAvailableIsReadInKibibytesAndGivenInBytes() {
        // The first lines of a real /proc/meminfo (Linux 6.x).
        assertThat(AvailableMemory.parse(List.of("MemTotal:       32768000 kB", "MemFree:         1024000 kB",
                "MemAvailable:   20480000 kB", "Buffers:          102400 kB")))
                .hasValue(20480000L * 1024);
    }

    @Test
    void withoutTheLineNothingIsKnown() {
        assertThat(AvailableMemory.parse(List.of("MemTotal:       32768000 kB"))).isEqualTo(OptionalLong.empty());
    }
}
