package org.openmaas.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The resident memory of a server process on this machine, from {@code /proc/PID/status}: {@code VmRSS} now and
 * {@code VmHWM}, the most it has held since it started.
 */
record ServerMemory(long pid, long rssBytes, long peakRssBytes) {

    static ServerMemory of(long pid) throws IOException {
        long rss = 0;
        long peak = 0;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = kilobytes(line) * 1024;
            } else if (line.startsWith("VmHWM:")) {
                peak = kilobytes(line) * 1024;
            }
        }
        return new ServerMemory(pid, rss, peak);
    }

    private static long kilobytes(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
}
