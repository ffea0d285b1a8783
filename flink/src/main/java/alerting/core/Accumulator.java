package alerting.core;

import alerting.contract.Aggregation;

import java.util.Arrays;

/**
 * Mergeable partial aggregate of one pane (or window). Count, sum, min and max fold in constant
 * space; p95 keeps the values, because an exact percentile cannot be merged from summaries.
 */
public class Accumulator {
    public long count;
    public double sum;
    public double min = Double.POSITIVE_INFINITY;
    public double max = Double.NEGATIVE_INFINITY;
    /** Values of the pane, only for aggregations that need them (p95); otherwise null. */
    public double[] values;

    public Accumulator() {}

    public static Accumulator of(boolean keepValues, double... vs) {
        Accumulator a = new Accumulator();
        for (double v : vs) {
            a.count++;
            a.sum += v;
            a.min = Math.min(a.min, v);
            a.max = Math.max(a.max, v);
        }
        a.values = keepValues ? vs.clone() : null;
        return a;
    }

    /** New accumulator holding both inputs; either may be null. */
    public static Accumulator merge(Accumulator a, Accumulator b) {
        if (a == null) {
            return b == null ? null : b.copy();
        }
        if (b == null) {
            return a.copy();
        }
        Accumulator m = new Accumulator();
        m.count = a.count + b.count;
        m.sum = a.sum + b.sum;
        m.min = Math.min(a.min, b.min);
        m.max = Math.max(a.max, b.max);
        if (a.values != null || b.values != null) {
            double[] av = a.values == null ? new double[0] : a.values;
            double[] bv = b.values == null ? new double[0] : b.values;
            m.values = Arrays.copyOf(av, av.length + bv.length);
            System.arraycopy(bv, 0, m.values, av.length, bv.length);
        }
        return m;
    }

    public Accumulator copy() {
        Accumulator c = new Accumulator();
        c.count = count;
        c.sum = sum;
        c.min = min;
        c.max = max;
        c.values = values == null ? null : values.clone();
        return c;
    }

    /** Aggregate value, or null for an empty window: no data is no value, not zero. */
    public Double result(Aggregation aggregation) {
        if (count == 0) {
            return null;
        }
        switch (aggregation) {
            case AVG:
                return sum / count;
            case MIN:
                return min;
            case MAX:
                return max;
            case SUM:
                return sum;
            case COUNT:
                return (double) count;
            case P95:
                return percentile(values, 0.95);
            default:
                throw new IllegalStateException(aggregation.name());
        }
    }

    /**
     * Nearest-rank percentile: the smallest value such that at least {@code q} of the values are
     * less or equal (rank ceil(q * n), 1-based). Always one of the observed values.
     */
    public static double percentile(double[] values, double q) {
        if (values == null || values.length == 0) {
            throw new IllegalArgumentException("percentile of no values");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Accumulator)) {
            return false;
        }
        Accumulator a = (Accumulator) o;
        return count == a.count
                && Double.compare(sum, a.sum) == 0
                && Double.compare(min, a.min) == 0
                && Double.compare(max, a.max) == 0
                && Arrays.equals(values, a.values);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(count) * 31 + Double.hashCode(sum);
    }

    @Override
    public String toString() {
        return "Accumulator{count=" + count + ", sum=" + sum + ", min=" + min + ", max=" + max
                + (values == null ? "" : ", values=" + Arrays.toString(values)) + "}";
    }
}
