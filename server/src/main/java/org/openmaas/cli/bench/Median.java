package org.openmaas.cli.bench;

import java.util.Collection;

/**
 * A sample's median with a distribution-free confidence interval of at least 95% for it: with n values sorted, the
 * k-th from either end, for the largest k whose binomial tail P(B(n, ½) < k) is at most 2.5% (with 10 values the 2nd
 * lowest and the 2nd highest). The interval needs 6 values or more; with fewer, and for an empty sample, its bounds are
 * NaN (and so is an empty sample's median).
 */
record Median(double value, double low, double high) {

    private static final double TAIL = 0.025;

    static Median of(Collection<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        if (n == 0) {
            return new Median(Double.NaN, Double.NaN, Double.NaN);
        }
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        int k = 0;
        double tail = 0;
        double choose = 1; // C(n, i)
        for (int i = 0; i < n; i++) {
            tail += choose / Math.pow(2, n);
            if (tail > TAIL) {
                break;
            }
            k = i + 1;
            choose = choose * (n - i) / (i + 1);
        }
        return k == 0 ? new Median(median, Double.NaN, Double.NaN) : new Median(median, sorted[k - 1], sorted[n - k]);
    }

    /** Whether the sample was large enough for an interval. */
    boolean hasInterval() {
        return !Double.isNaN(low);
    }

    /** " [low–high]" in {@code format}, or nothing without an interval. */
    String interval(String format) {
        return hasInterval() ? " [" + format.formatted(low) + "–" + format.formatted(high) + "]" : "";
    }
}
