package alerting.bench;

import alerting.core.Accumulator;

import org.apache.flink.table.functions.AggregateFunction;

import java.util.Arrays;

/**
 * {@code P95(x)}: nearest-rank 95th percentile (the value at rank ceil(0.95 n)), the definition of
 * the monitor contract. Flink's built-in {@code PERCENTILE} interpolates, so it would report values
 * no event had. {@code merge} lets hopping windows share slices.
 */
public final class NearestRankP95 extends AggregateFunction<Double, NearestRankP95.Values> {
    private static final long serialVersionUID = 1L;

    /** The values seen; {@code values[0..size)} is in use. */
    public static final class Values {
        public double[] values = new double[16];
        public int size;

        void add(double v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }
    }

    @Override
    public Values createAccumulator() {
        return new Values();
    }

    public void accumulate(Values acc, Double value) {
        if (value != null) {
            acc.add(value);
        }
    }

    public void merge(Values acc, Iterable<Values> others) {
        for (Values o : others) {
            for (int i = 0; i < o.size; i++) {
                acc.add(o.values[i]);
            }
        }
    }

    @Override
    public Double getValue(Values acc) {
        return acc.size == 0 ? null : Accumulator.percentile(Arrays.copyOf(acc.values, acc.size), 0.95);
    }
}
