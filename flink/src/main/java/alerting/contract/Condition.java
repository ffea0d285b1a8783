package alerting.contract;

import java.util.Objects;

/**
 * Monitor condition: either a static threshold or a deviation from the seasonal baseline.
 *
 * <p>One flat POJO for both kinds keeps Flink's serializer simple; unused fields stay null.
 */
public class Condition {
    public enum Type {
        THRESHOLD,
        BASELINE
    }

    public enum Direction {
        ABOVE,
        BELOW
    }

    public Type type;
    /** threshold: operator and value. */
    public Operator operator;
    public Double value;
    /** baseline: direction, number of (MAD-based) standard deviations and minimum bucket size. */
    public Direction direction;
    public Double deviations;
    public Integer minSamples;
    /** baseline: static threshold used while the bucket has fewer than minSamples; optional. */
    public Operator fallbackOperator;
    public Double fallbackValue;

    public Condition() {}

    public static Condition threshold(Operator operator, double value) {
        Condition c = new Condition();
        c.type = Type.THRESHOLD;
        c.operator = operator;
        c.value = value;
        return c;
    }

    public static Condition baseline(
            Direction direction,
            double deviations,
            int minSamples,
            Operator fallbackOperator,
            Double fallbackValue) {
        Condition c = new Condition();
        c.type = Type.BASELINE;
        c.direction = direction;
        c.deviations = deviations;
        c.minSamples = minSamples;
        c.fallbackOperator = fallbackOperator;
        c.fallbackValue = fallbackValue;
        return c;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Condition)) {
            return false;
        }
        Condition c = (Condition) o;
        return type == c.type
                && operator == c.operator
                && Objects.equals(value, c.value)
                && direction == c.direction
                && Objects.equals(deviations, c.deviations)
                && Objects.equals(minSamples, c.minSamples)
                && fallbackOperator == c.fallbackOperator
                && Objects.equals(fallbackValue, c.fallbackValue);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, operator, value, direction, deviations, minSamples);
    }
}
