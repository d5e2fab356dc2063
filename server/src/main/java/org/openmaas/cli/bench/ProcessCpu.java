package org.openmaas.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.stream.Stream;

/**
 * CPU time that processes on this machine have used, from {@code /proc/PID/stat} (user plus system time, in the
 * kernel's clock ticks of 1/100 s): what a step cost each side, so that the result carries to a machine where they do
 * not share cores. A process that is gone counts nothing.
 */
final class ProcessCpu {

    private static final double SECONDS_PER_TICK = 0.01;

    private ProcessCpu() {
    }

    /** CPU seconds of these processes. */
    static double seconds(Collection<Long> pids) {
        return pids.stream().mapToDouble(ProcessCpu::seconds).sum();
    }

    /** CPU seconds of every process named {@code postgres} on this machine: the server and all its backends. */
    static double postgresSeconds() {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> "postgres".equals(read(p.resolve("comm")).strip()))
                    .mapToDouble(p -> seconds(Long.parseLong(p.getFileName().toString()))).sum();
        } catch (IOException e) {
            return 0; // not Linux: reported as unknown
        }
    }

    private static double seconds(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        if (stat.isEmpty()) {
            return 0;
        }
        // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and
        // 13th of them (fields 14 and 15 of proc(5)).
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * SECONDS_PER_TICK;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return ""; // the process ended meanwhile
        }
    }
}
