package org.openmaas.cli.bench;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.openmaas.cli.table.Table;

/**
 * What {@code bench store} found: one step per instance count.
 *
 * @param command the command line, the database URL's parameters left out
 * @param postgres the server's version and whether a commit waits for its WAL to reach the disk
 */
record StoreReport(String command, String postgres, int threads, int clients, long warmupSeconds,
                   long durationSeconds, String machine, String loadBefore, String loadAfter, List<Step> steps) {

    /**
     * One instance count's result.
     *
     * @param operationsPerSecond    admit+settle cycles per second over every instance
     * @param perInstancePerSecond   each instance's own
     * @param admitMs                an admission, from sending to admitted
     * @param cycleMs                a whole cycle: admit, first-token checkpoint, settle
     * @param settled                cycles settled in the step, warm-up included
     * @param recordsWritten         finished usage records the step added to the database: equal to {@code settled}
     *                               when every settled cycle wrote exactly one
     */
    record Step(int instances, long operations, int failed, int journalled, double operationsPerSecond,
                List<Double> perInstancePerSecond, Percentiles admitMs, Percentiles cycleMs, long settled,
                long recordsWritten, String firstError) {

        static Step of(int instances, long seconds, List<StorePhase.Result> results, long recordsWritten) {
            long operations = results.stream().mapToLong(StorePhase.Result::operations).sum();
            return new Step(instances, operations, results.stream().mapToInt(StorePhase.Result::failed).sum(),
                    results.stream().mapToInt(StorePhase.Result::journalled).sum(), operations / (double) seconds,
                    results.stream().map(r -> r.operations() / (double) seconds).toList(),
                    Percentiles.of(all(results.stream().map(StorePhase.Result::admitMs).toList())),
                    Percentiles.of(all(results.stream().map(StorePhase.Result::operationMs).toList())),
                    results.stream().mapToLong(StorePhase.Result::settled).sum(), recordsWritten,
                    results.stream().map(StorePhase.Result::firstError).filter(Objects::nonNull).findFirst()
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
                "cycle p50 ms", "cycle p99 ms", "failed", "records = settled");
        for (Step step : steps) {
            table.row(Integer.toString(step.instances()), "%.0f".formatted(step.operationsPerSecond()),
                    String.join(", ", step.perInstancePerSecond().stream().map("%.0f"::formatted).toList()),
                    "%.1f".formatted(step.admitMs().p50()), "%.1f".formatted(step.admitMs().p99()),
                    "%.1f".formatted(step.cycleMs().p50()), "%.1f".formatted(step.cycleMs().p99()),
                    step.failed() + (step.journalled() > 0 ? " (" + step.journalled() + " journalled)" : ""),
                    step.recordsWritten() == step.settled() ? "yes (" + step.settled() + ")"
                            : "NO: " + step.recordsWritten() + " records, " + step.settled() + " settled");
        }
        String error = steps.stream().map(Step::firstError).filter(Objects::nonNull).findFirst()
                .map(e -> "First error: " + e + "\n").orElse("");
        return """
                `%s`

                The metering path of a generation (admit, the first token's checkpoint, settle; no engine) on one \
                PostgreSQL %s, by 1 or more OpenMaaS instances, each a process of its own with %d requests in flight \
                (its connection pool holds 8), over %d client%s each in its own cloud account; %d s warm-up, %d s \
                counted per step.
                Machine: %s (PostgreSQL on the same cores); load average %s before, %s after.
                %s
                %s""".formatted(command, postgres, threads, clients, clients == 1 ? "" : "s", warmupSeconds,
                durationSeconds, machine, loadBefore, loadAfter, error, table.markdown());
    }
}
