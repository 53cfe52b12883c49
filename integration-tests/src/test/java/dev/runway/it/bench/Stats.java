package dev.runway.it.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Median, min and max of repeated measurements, and nearest-rank percentiles. */
record Stats(double median, double min, double max, int count) {

    static Stats of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no measurements");
        }
        List<Double> sorted = sorted(values);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Stats(median, sorted.get(0), sorted.get(n - 1), n);
    }

    /** Nearest-rank percentile: p99 of 50 values is the 50th (the largest). */
    static double percentile(List<Double> values, double percent) {
        List<Double> sorted = sorted(values);
        int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static List<Double> sorted(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted;
    }
}
