package org.openmaas.hub;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * How far one download has come.
 *
 * @param name        the file, as the hub names it
 * @param done        bytes on disk, counting those an earlier, interrupted attempt left
 * @param total       the file's size; -1 when the hub did not say
 * @param resumedFrom bytes that were already on disk when this attempt began (not counted in the rate)
 * @param elapsed     time since this attempt began
 */
public record Transfer(String name, long done, long total, long resumedFrom, Duration elapsed) {

    /** Bytes per second received in this attempt; 0 before any time has passed. */
    public long bytesPerSecond() {
        long nanos = elapsed.toNanos();
        return nanos <= 0 ? 0 : (long) ((done - resumedFrom) * 1e9 / nanos);
    }

    /** The time left at the current rate; empty when the size or the rate is unknown. */
    public Optional<Duration> remaining() {
        long rate = bytesPerSecond();
        if (total < 0 || rate <= 0) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofSeconds((total - done + rate - 1) / rate));
    }

    /** {@code name  1.5 / 4.0 GiB  37%  12.3 MiB/s  ETA 3:27}: one line a terminal redraws in place. */
    public String line() {
        StringBuilder line = new StringBuilder(name).append("  ").append(size(done));
        if (total >= 0) {
            line.append(" / ").append(size(total)).append("  ").append(total == 0 ? 100 : done * 100 / total).append('%');
        }
        line.append("  ").append(size(bytesPerSecond())).append("/s");
        remaining().ifPresent(left -> line.append("  ETA ").append(clock(left)));
        return line.toString();
    }

    /** {@code 512 B}, {@code 1.5 KiB}, {@code 3.2 GiB}. */
    public static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes / 1024.0;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    private static String clock(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
