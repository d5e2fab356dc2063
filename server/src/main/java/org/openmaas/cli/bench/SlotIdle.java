package org.openmaas.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long llama-server's slots stood idle between requests over one run of {@code bench gateway}, read from
 * llama-server's own log: for each slot, the time from its {@code release} to its next {@code launch_slot_}. In a
 * closed loop (each client sends its next request when its stream has ended) that is the turnaround: the stream's end
 * on its way to the client, the next request on its way to llama-server. It is what a gateway adds to without taking
 * llama-server's CPU, and what the tokens per second of such a loop follow: a slot's cycle is its busy time plus this.
 *
 * @param gaps    release-to-launch intervals seen
 * @param totalMs their sum, in milliseconds
 */
record SlotIdle(int gaps, double totalMs) {

    /**
     * A slot's start or end as llama-server logs it with {@code --log-prefix --log-timestamps}: minutes, seconds,
     * milliseconds and microseconds since it started, then {@code I slot launch_slot_: id  N | task T | ...} or
     * {@code I slot      release: id  N | task T | ...}.
     */
    private static final Pattern EVENT = Pattern.compile(
            "^(\\d+)\\.(\\d{2})\\.(\\d{3})\\.(\\d{3}) I slot +(launch_slot_|release): id +(\\d+) \\|",
            Pattern.MULTILINE);

    /** The mean idle interval in milliseconds; NaN when the run had none (no slot served two requests). */
    double meanMs() {
        return gaps == 0 ? Double.NaN : totalMs / gaps;
    }

    /**
     * The idle intervals in {@code log}, the part of llama-server's log one run wrote. A release stamped before the
     * part's first launch belongs to the run before (its last lines may be written after this run began), so it
     * starts no interval.
     */
    static SlotIdle in(String log) {
        Matcher event = EVENT.matcher(log);
        Map<Integer, Long> releasedAt = new HashMap<>();
        long firstLaunch = -1;
        int gaps = 0;
        long totalMicros = 0;
        while (event.find()) {
            long micros = ((Long.parseLong(event.group(1)) * 60 + Integer.parseInt(event.group(2))) * 1000
                    + Integer.parseInt(event.group(3))) * 1000 + Integer.parseInt(event.group(4));
            int slot = Integer.parseInt(event.group(6));
            if (event.group(5).equals("release")) {
                if (firstLaunch >= 0 && micros >= firstLaunch) {
                    releasedAt.put(slot, micros);
                }
                continue;
            }
            if (firstLaunch < 0) {
                firstLaunch = micros;
            }
            Long released = releasedAt.remove(slot);
            if (released != null) {
                gaps++;
                totalMicros += micros - released;
            }
        }
        return new SlotIdle(gaps, totalMicros / 1000.0);
    }

    /** The idle intervals in what {@code log} holds from byte {@code from} on. */
    static SlotIdle since(Path log, long from) throws IOException {
        try (InputStream in = Files.newInputStream(log)) {
            in.skipNBytes(from);
            return in(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
