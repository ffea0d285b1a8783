package alerting.core;

import java.util.Arrays;

/**
 * Median and median absolute deviation: a baseline that a few outliers (including the anomaly
 * being detected) cannot drag along, unlike mean and standard deviation.
 */
public final class RobustStats {
    /** Scales the MAD to a consistent estimate of the standard deviation of a normal law. */
    public static final double MAD_TO_SIGMA = 1.4826;

    private RobustStats() {}

    public static double median(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("median of no values");
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int mid = s.length / 2;
        return s.length % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2.0;
    }

    public static double mad(double[] values, double median) {
        double[] dev = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            dev[i] = Math.abs(values[i] - median);
        }
        return median(dev);
    }
}
