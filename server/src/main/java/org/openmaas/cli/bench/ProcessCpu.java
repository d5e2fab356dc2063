package org.openmaas.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;
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

    /**
     * CPU seconds of those of {@code pids} that are PostgreSQL processes on this machine, by process id; empty when
     * none is (a database elsewhere, or not Linux).
     */
    static Map<Long, Double> postgres(Collection<Long> pids) {
        return pids.stream()
                .filter(pid -> "postgres".equals(read(Path.of("/proc", Long.toString(pid), "comm")).strip()))
                .collect(Collectors.toMap(pid -> pid, ProcessCpu::seconds));
    }

    /**
     * CPU seconds the processes of {@code after} used since {@code before}: one that was not there yet counts whole (it
     * started in between), one that ended in between took its time with it.
     */
    static double used(Map<Long, Double> before, Map<Long, Double> after) {
        return after.entrySet().stream().mapToDouble(e -> e.getValue() - before.getOrDefault(e.getKey(), 0.0)).sum();
    }

    /**
     * CPU seconds of those threads of process {@code pid} whose name ({@code /proc/PID/task/TID/comm}) starts with
     * {@code prefix}; threads that ended took their time with them.
     */
    static double threadSeconds(long pid, String prefix) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (Stream<Path> threads = Files.list(tasks)) {
            return threads.filter(task -> read(task.resolve("comm")).startsWith(prefix))
                    .mapToDouble(task -> seconds(task.resolve("stat"))).sum();
        } catch (IOException e) {
            return 0; // the process ended meanwhile
        }
    }

    private static double seconds(long pid) {
        return seconds(Path.of("/proc", Long.toString(pid), "stat"));
    }

    private static double seconds(Path statFile) {
        String stat = read(statFile);
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
