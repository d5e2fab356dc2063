package org.openmaas.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Request ids are RFC 9562 version 7 UUIDs: time-ordered for the store's indexes, random enough not to be guessed. */
class RequestIdsTest {

    @Test
    void anIdIsAVersion7UuidCarryingItsMillisecond() {
        long now = 1_796_467_854_123L;
        UUID id = UUID.fromString(RequestIds.at(now));
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2); // RFC 9562's variant (binary 10)
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(now);
    }

    @Test
    void idsOfLaterMillisecondsSortAfterAsTheStoreComparesThemAsText() {
        List<String> ids = new ArrayList<>();
        for (long ms = 1_796_467_854_000L; ms < 1_796_467_854_000L + 2000; ms += 7) {
            ids.add(RequestIds.at(ms));
        }
        assertThat(ids).isSorted();
    }

    @Test
    void idsOfOneMillisecondDifferInTheirRandomBits() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(RequestIds.at(1_796_467_854_000L));
        }
        assertThat(ids).hasSize(10_000);
    }
}
