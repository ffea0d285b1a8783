package alerting.contract;

/** Comparison of a window value (left) with a threshold (right). */
public enum Operator {
    GT(">"),
    GE(">="),
    LT("<"),
    LE("<="),
    EQ("=="),
    NE("!=");

    private final String wire;

    Operator(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public boolean test(double value, double threshold) {
        switch (this) {
            case GT:
                return value > threshold;
            case GE:
                return value >= threshold;
            case LT:
                return value < threshold;
            case LE:
                return value <= threshold;
            case EQ:
                return value == threshold;
            case NE:
                return value != threshold;
            default:
                throw new IllegalStateException(name());
        }
    }

    public static Operator fromWire(String s) {
        for (Operator o : values()) {
            if (o.wire.equals(s)) {
                return o;
            }
        }
        return null;
    }
}
