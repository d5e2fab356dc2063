package org.openmaas.cli.bench;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.openmaas.cli.table.Table;

/**
 * What {@code bench store} found: one step per instance count.
 *
 * @param command the command line, the database URL's parameters left out
 * @param database PostgreSQL's version and whether a commit waits for its WAL to reach the disk, or H2's
 * @param rounds   how often every step ran; each step reported is its instance count's best round
 */
record StoreReport(String command, String database, int threads, int clients, long warmupSeconds,
                   long durationSeconds, int rounds, String machine, String loadBefore, String loadAfter, List<Step> steps) {

    /**
     * One instance count's result.
     *
     * @param operationsPerSecond    admit+settle cycles per second over every instance
     * @param perInstancePerSecond   each instance's own
     * @param admitMs                an admission, from sending to admitted
     * @param cycleMs                a whole cycle: admit, first token, settle
     * @param settled                cycles settled in the step, warm-up included
     * @param recordsWritten         finished usage records the step added to the database: equal to {@code settled}
     *                               when every settled cycle wrote exactly one
     * @param postgresCpuMsPerCycle  CPU time of the PostgreSQL processes serving the database in the counted time,
     *                               per counted cycle (NaN when none is on this machine: a database elsewhere)
     * @param instanceCpuMsPerCycle  the same of the instance processes
     */
    record Step(int instances, long operations, int failed, int journalled, double operationsPerSecond,
                List<Double> perInstancePerSecond, Percentiles admitMs, Percentiles cycleMs, long settled,
                long recordsWritten, double postgresCpuMsPerCycle, double instanceCpuMsPerCycle, String firstError) {

        static Step of(int instances, long seconds, List<StorePhase.Result> results, long recordsWritten,
                       double postgresCpuSeconds, double instancesCpuSeconds) {
            long operations = results.stream().mapToLong(StorePhase.Result::operations).sum();
            return new Step(instances, operations, results.stream().mapToInt(StorePhase.Result::failed).sum(),
                    results.stream().mapToInt(StorePhase.Result::journalled).sum(), operations / (double) seconds,
                    results.stream().map(r -> r.operations() / (double) seconds).toList(),
                    Percentiles.of(all(results.stream().map(StorePhase.Result::admitMs).toList())),
                    Percentiles.of(all(results.stream().map(StorePhase.Result::operationMs).toList())),
                    results.stream().mapToLong(StorePhase.Result::settled).sum(), recordsWritten,
                    postgresCpuSeconds > 0 ? postgresCpuSeconds * 1000 / operations : Double.NaN,
                    instancesCpuSeconds * 1000 / operations, results.stream().map(StorePhase.Result::firstError).filter(Objects::nonNull).findFirst()
                            .orElse(null));
        }

        /** Nothing failed, nothing went to a journal, and the database holds one record per settled cycle. */
        boolean clean() {
            return failed == 0 && journalled == 0 && recordsWritten == settled;
        }

        private static List<Double> all(List<List<Double>> lists) {
            return lists.stream().flatMap(Collection::stream).toList();
        }
    }

    String markdown() {
        Table table = new Table("instances", "admit+settle/s", "per instance/s", "admit p50 ms", "admit p99 ms",
                "cycle p50 ms", "cycle p99 ms", "PostgreSQL CPU ms/cycle", "instance CPU ms/cycle", "failed",
                "records = settled");
        for (Step step : steps) {
            table.row(Integer.toString(step.instances()), "%.0f".formatted(step.operationsPerSecond()),
                    String.join(", ", step.perInstancePerSecond().stream().map("%.0f"::formatted).toList()),
                    "%.1f".formatted(step.admitMs().p50()), "%.1f".formatted(step.admitMs().p99()),
                    "%.1f".formatted(step.cycleMs().p50()), "%.1f".formatted(step.cycleMs().p99()),
                    Double.isNaN(step.postgresCpuMsPerCycle()) ? "unknown"
                            : "%.2f".formatted(step.postgresCpuMsPerCycle()),
                    "%.2f".formatted(step.instanceCpuMsPerCycle()),
                    step.failed() + (step.journalled() > 0 ? " (" + step.journalled() + " journalled)" : ""),
                    step.recordsWritten() == step.settled() ? "yes (" + step.settled() + ")"
                            : "NO: " + step.recordsWritten() + " records, " + step.settled() + " settled");
        }
        String error = steps.stream().map(Step::firstError).filter(Objects::nonNull).findFirst()
                .map(e -> "First error: " + e + "\n").orElse("");
        return """
                `%s`

                The metering path of a generation shorter than 2 s (admit and settle; no engine) on one \
                %s, by 1 or more OpenMaaS instances, each a process of its own (with `maas serve`'s JVM \
                options) with %d requests in flight (its connection pool holds 8), over %s; %d s warm-up, \
                %d s counted per step%s. CPU ms/cycle is the CPU time that PostgreSQL's processes serving this \
                database (its backends, and the WAL writer, checkpointer and background writer it shares with other \
                databases) and the instances used in the counted time, per counted cycle: 1000 / that is how many \
                cycles one core of each carries.
                Machine: %s (PostgreSQL on the same cores); load average %s before, %s after.
                %s
                %s""".formatted(command, database, threads, clients == 1 ? "one client (every request locks its row and its"
                + " account's quota row)" : clients + " clients, each in its own cloud account", warmupSeconds,
                durationSeconds, rounds == 1 ? "" : ", the best of " + rounds + " rounds", machine, loadBefore,
                loadAfter, error, table.markdown());
    }
}
