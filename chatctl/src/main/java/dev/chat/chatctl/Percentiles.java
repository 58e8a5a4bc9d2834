package dev.chat.chatctl;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Latency samples (nanoseconds) summarized as p50/p99/p99.9/max in milliseconds. Not thread-safe. */
final class Percentiles {

    private long[] samples = new long[1024];
    private int count;

    void add(long nanos) {
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, count * 2);
        }
        samples[count++] = nanos;
    }

    void addAll(Percentiles other) {
        for (int i = 0; i < other.count; i++) {
            add(other.samples[i]);
        }
    }

    /** Forgets every sample. */
    void clear() {
        count = 0;
    }

    int count() {
        return count;
    }

    /** @return p50, p99, p999, max in ms (empty map if no samples) */
    Map<String, Double> summary() {
        Map<String, Double> summary = new LinkedHashMap<>();
        if (count == 0) {
            return summary;
        }
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        summary.put("p50_ms", at(sorted, 0.50));
        summary.put("p99_ms", at(sorted, 0.99));
        summary.put("p999_ms", at(sorted, 0.999));
        summary.put("max_ms", sorted[count - 1] / 1e6);
        return summary;
    }

    private static double at(long[] sorted, double quantile) {
        int index = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(quantile * sorted.length) - 1));
        return Math.round(sorted[index] / 1e4) / 100.0;
    }
}
