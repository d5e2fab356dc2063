package org.openmaas.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Which CPUs {@code bench gateway}'s processes run on. An engine behind a gateway runs on a machine of its own; on one
 * small machine the two fight over the same cores instead, and llama.cpp's compute threads, which wait for each other
 * by spinning, stall whenever the gateway or the clients take one of their cores. So by default the upstream gets CPUs
 * of its own (pinned with {@code taskset}, one compute thread per CPU) and the clients and the gateway get the rest:
 * the gateway's cost is then what it costs, not what it does to a co-located engine's spinning threads.
 *
 * @param upstream the CPUs of llama-server, empty when every process may run anywhere
 * @param front    the CPUs of the clients and OpenMaaS (empty likewise)
 */
record CpuPlacement(List<Integer> upstream, List<Integer> front) {

    private static final Path TASKSET = Path.of("/usr/bin/taskset");
    private static final Duration PIN_PATIENCE = Duration.ofSeconds(10);

    CpuPlacement {
        upstream = List.copyOf(upstream);
        front = List.copyOf(front);
    }

    static CpuPlacement shared() {
        return new CpuPlacement(List.of(), List.of());
    }

    /**
     * The placement {@code --upstream-cpus} asks for: {@code shared}, a CPU list as taskset takes it ({@code 1},
     * {@code 2-3}, {@code 1,3}), or {@code auto}: the upper half of the CPUs for the upstream when there are at least
     * two and taskset is there, else shared.
     *
     * @param cpus the CPUs this process may use (0 to cpus-1)
     */
    static CpuPlacement parse(String value, int cpus) {
        String spec = value.strip();
        if (spec.equals("shared")) {
            return shared();
        }
        if (spec.equals("auto")) {
            return cpus < 2 || !Files.isExecutable(TASKSET) ? shared()
                    : split(IntStream.range(cpus / 2, cpus).boxed().toList(), cpus);
        }
        if (!Files.isExecutable(TASKSET)) {
            throw new IllegalArgumentException("--upstream-cpus " + value + " needs " + TASKSET
                    + " (Debian's util-linux); give --upstream-cpus shared to run without pinning");
        }
        TreeSet<Integer> chosen = new TreeSet<>();
        for (String part : spec.split(",")) {
            String[] range = part.strip().split("-", -1);
            try {
                int from = Integer.parseInt(range[0].strip());
                int to = range.length == 2 ? Integer.parseInt(range[1].strip()) : from;
                if (range.length > 2 || from > to) {
                    throw new NumberFormatException();
                }
                IntStream.rangeClosed(from, to).forEach(chosen::add);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--upstream-cpus " + value + ": give auto, shared or a CPU list"
                        + " such as 1 or 2-3 or 1,3");
            }
        }
        if (chosen.first() < 0 || chosen.last() >= cpus || chosen.size() == cpus) {
            throw new IllegalArgumentException("--upstream-cpus " + value + ": give CPUs from 0 to " + (cpus - 1)
                    + " and leave at least one for the clients and OpenMaaS");
        }
        return split(List.copyOf(chosen), cpus);
    }

    private static CpuPlacement split(List<Integer> upstream, int cpus) {
        return new CpuPlacement(upstream, IntStream.range(0, cpus).filter(cpu -> !upstream.contains(cpu)).boxed()
                .toList());
    }

    boolean isShared() {
        return upstream.isEmpty();
    }

    /** llama-server's compute threads: one per CPU it may use. */
    int upstreamThreads(int allCpus) {
        return isShared() ? allCpus : upstream.size();
    }

    /** {@code command} confined to the upstream's CPUs. */
    List<String> upstream(List<String> command) {
        return pinned(upstream, command);
    }

    /** {@code command} confined to the front's CPUs. */
    List<String> front(List<String> command) {
        return pinned(front, command);
    }

    /**
     * Confines this JVM, every thread of it (the clients), to the front's CPUs until the returned pin is closed, which
     * gives it back the CPUs it had: {@code bench} may run inside a longer-lived JVM (a test).
     */
    Pin pinThisProcess() throws IOException, InterruptedException {
        if (isShared()) {
            return () -> { };
        }
        String pid = Long.toString(ProcessHandle.current().pid());
        String before = taskset("--pid", "--cpu-list", pid);
        String had = before.substring(before.lastIndexOf(':') + 1).strip(); // "pid 7's current affinity list: 0,1"
        pinAllThreads(list(front), pid);
        return () -> pinAllThreads(had, pid);
    }

    /**
     * taskset walks the process's threads and gives up at the first one that ends meanwhile ("No such process"), and a
     * JVM ends threads all the time (a CI run failed so); setting an affinity twice is harmless, so it walks again, for
     * up to {@link #PIN_PATIENCE}. (A test that starts and ends a thread without pause failed half its walks.)
     */
    private static void pinAllThreads(String cpus, String pid) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + PIN_PATIENCE.toNanos();
        while (true) {
            try {
                taskset("--all-tasks", "--pid", "--cpu-list", cpus, pid);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !e.getMessage().contains("No such process")) {
                    throw e;
                }
            }
        }
    }

    /** A pinning that ends when closed. */
    interface Pin extends AutoCloseable {
        @Override
        void close() throws IOException, InterruptedException;
    }

    private static String taskset(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(TASKSET.toString()));
        command.addAll(List.of(args));
        Process taskset = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(taskset.getInputStream().readAllBytes());
        if (taskset.waitFor() != 0) {
            // its complaint, without the line per thread it had already pinned
            String complaint = output.lines().filter(line -> line.startsWith("taskset:"))
                    .collect(Collectors.joining("; "));
            throw new IOException(String.join(" ", command) + " failed: "
                    + (complaint.isEmpty() ? output.strip() : complaint));
        }
        return output;
    }

    /** One sentence for the report. */
    String describe() {
        return isShared() ? "every process on every CPU"
                : "llama-server pinned to CPU %s and the clients and OpenMaaS to CPU %s, as with an engine on a machine of its own (`taskset`; `--upstream-cpus shared` runs them all on every CPU)"
                .formatted(list(upstream), list(front));
    }

    private static List<String> pinned(List<Integer> cpus, List<String> command) {
        if (cpus.isEmpty()) {
            return command;
        }
        List<String> prefixed = new ArrayList<>(List.of(TASKSET.toString(), "--cpu-list", list(cpus)));
        prefixed.addAll(command);
        return prefixed;
    }

    private static String list(List<Integer> cpus) {
        return cpus.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
