package org.openmaas.cli.bench;

import java.util.List;

/**
 * The CPU time each server of {@code bench gateway} used over one measured run, per output token the run's clients
 * received. CPU per token hardly depends on what else runs on the machine, where tokens per second do: it is the
 * number that says what the gateway costs, and where a change helped. The gateway's JIT compiler threads are counted
 * apart: a fresh JVM compiles for thousands of requests, which is the JIT's cost, not the relay's.
 *
 * @param llamaServerSeconds llama-server's user plus system time over the run
 * @param gatewaySeconds     {@code maas serve}'s user plus system time over the run, its JIT's included
 * @param gatewayJitSeconds  the part of {@code gatewaySeconds} its JIT compiler threads used
 * @param clientSeconds      this process's user plus system time over the run: the clients', which share the CPUs
 *                           of the gateway (see {@link CpuPlacement})
 * @param outputTokens       tokens the run's clients received
 */
record RunCpu(double llamaServerSeconds, double gatewaySeconds, double gatewayJitSeconds, double clientSeconds,
              long outputTokens) {

    /** HotSpot's compiler threads are named "C1 CompilerThread0", "C2 CompilerThread1" and so on. */
    private static final List<String> JIT_THREADS = List.of("C1 CompilerThre", "C2 CompilerThre");

    /**
     * CPU seconds of llama-server, the gateway, the gateway's JIT and the clients now, to be passed to {@link #since}.
     */
    static double[] now(long llamaServerPid, long gatewayPid) {
        return new double[] {ProcessCpu.seconds(List.of(llamaServerPid)), ProcessCpu.seconds(List.of(gatewayPid)),
                JIT_THREADS.stream().mapToDouble(name -> ProcessCpu.threadSeconds(gatewayPid, name)).sum(),
                ProcessCpu.seconds(List.of(ProcessHandle.current().pid()))};
    }

    /** What the processes used since {@code before} (from {@link #now}), for a run that relayed {@code tokens}. */
    static RunCpu since(double[] before, long llamaServerPid, long gatewayPid, long tokens) {
        double[] after = now(llamaServerPid, gatewayPid);
        return new RunCpu(after[0] - before[0], after[1] - before[1], after[2] - before[2], after[3] - before[3],
                tokens);
    }

    double llamaServerMicrosPerToken() {
        return perToken(llamaServerSeconds);
    }

    double gatewayMicrosPerToken() {
        return perToken(gatewaySeconds);
    }

    /** The gateway's CPU per token but its JIT's: the relay's own cost once compiled. */
    double gatewayWithoutJitMicrosPerToken() {
        return perToken(gatewaySeconds - gatewayJitSeconds);
    }

    double clientMicrosPerToken() {
        return perToken(clientSeconds);
    }

    private double perToken(double seconds) {
        return outputTokens == 0 ? Double.NaN : seconds * 1e6 / outputTokens;
    }
}
