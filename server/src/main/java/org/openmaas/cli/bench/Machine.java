package org.openmaas.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine a benchmark ran on, read from {@code /proc} (Linux) so results from different days or machines are
 * never compared blind. Load average matters most on a shared machine: other work steals the cores llama.cpp spins on.
 *
 * @param cpu         the processor's model name ({@code lscpu}'s "Model name"), or "unknown"
 * @param cores       processors available to the JVM
 * @param memoryBytes total memory, or 0 when unknown
 * @param loadAverage the 1, 5 and 15 minute load averages, or empty when unknown
 */
record Machine(String cpu, int cores, long memoryBytes, List<Double> loadAverage) {

    static Machine now() {
        return new Machine(readCpuModel(), Runtime.getRuntime().availableProcessors(), readMemoryBytes(), readLoadAverage());
    }

    /** The same machine with its load average now: its cores as they were, before a benchmark pinned itself. */
    Machine withCurrentLoad() {
        return new Machine(cpu, cores, memoryBytes, readLoadAverage());
    }

    /** "AMD EPYC, 2 cores, 23.5 GiB". */
    String describe() {
        return "%s, %d cores, %.1f GiB".formatted(cpu, cores, memoryBytes / (double) (1L << 30));
    }

    /** "0.52 0.61 0.66", or "unknown". */
    String load() {
        return loadAverage.isEmpty() ? "unknown"
                : "%.2f %.2f %.2f".formatted(loadAverage.get(0), loadAverage.get(1), loadAverage.get(2));
    }

    private static String readCpuModel() {
        for (String line : lines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).strip();
            }
        }
        return "unknown";
    }

    private static long readMemoryBytes() {
        for (String line : lines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return 0;
    }

    private static List<Double> readLoadAverage() {
        List<String> lines = lines(Path.of("/proc/loadavg"));
        if (lines.isEmpty()) {
            return List.of();
        }
        String[] fields = lines.getFirst().split(" ");
        return List.of(Double.parseDouble(fields[0]), Double.parseDouble(fields[1]), Double.parseDouble(fields[2]));
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of(); // not Linux: the fields say unknown
        }
    }
}
