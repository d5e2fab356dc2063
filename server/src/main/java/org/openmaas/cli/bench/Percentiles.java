package org.openmaas.cli.bench;

import java.util.Collection;

/** The 50th, 90th and 99th percentiles of a sample, by nearest rank; NaN for an empty sample. */
record Percentiles(double p50, double p90, double p99) {

    static Percentiles of(Collection<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Percentiles(rank(sorted, 50), rank(sorted, 90), rank(sorted, 99));
    }

    private static double rank(double[] sorted, int percent) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return sorted[Math.clamp(index, 0, sorted.length - 1)];
    }
}
