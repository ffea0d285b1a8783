package alerting.core;

import alerting.contract.Baseline;
import alerting.contract.Condition;

/** Outcome of a condition on one window: whether it breaches and against which threshold. */
public final class Evaluation {
    public final boolean breach;
    /** Threshold compared against; null when nothing could be compared. */
    public final Double threshold;
    /** True when a baseline bucket with enough samples decided (false: static or fallback). */
    public final boolean fromBaseline;

    private Evaluation(boolean breach, Double threshold, boolean fromBaseline) {
        this.breach = breach;
        this.threshold = threshold;
        this.fromBaseline = fromBaseline;
    }

    /**
     * Evaluates {@code condition} on a window value. An empty window (null value) never breaches.
     * A baseline condition uses {@code median ± deviations × 1.4826 × MAD} of the bucket once it
     * has {@code minSamples}; before that the static fallback, if any.
     */
    public static Evaluation of(Condition condition, Double value, Baseline baseline) {
        switch (condition.type) {
            case THRESHOLD:
                return new Evaluation(
                        value != null && condition.operator.test(value, condition.value),
                        condition.value,
                        false);
            case BASELINE:
                if (baseline != null && baseline.samples >= condition.minSamples) {
                    double spread =
                            condition.deviations * RobustStats.MAD_TO_SIGMA * baseline.mad;
                    boolean above = condition.direction == Condition.Direction.ABOVE;
                    double threshold = above ? baseline.median + spread : baseline.median - spread;
                    boolean breach = value != null && (above ? value > threshold : value < threshold);
                    return new Evaluation(breach, threshold, true);
                }
                if (condition.fallbackOperator != null) {
                    return new Evaluation(
                            value != null
                                    && condition.fallbackOperator.test(
                                            value, condition.fallbackValue),
                            condition.fallbackValue,
                            false);
                }
                return new Evaluation(false, null, false);
            default:
                throw new IllegalStateException(String.valueOf(condition.type));
        }
    }
}
