package alerting.contract;

/** Window aggregate of a monitor; wire names are lower case ({@code "avg"}, {@code "p95"}). */
public enum Aggregation {
    AVG("avg"),
    MIN("min"),
    MAX("max"),
    SUM("sum"),
    COUNT("count"),
    P95("p95");

    private final String wire;

    Aggregation(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** p95 needs every value of the window; the others fold into count/sum/min/max. */
    public boolean needsValues() {
        return this == P95;
    }

    public static Aggregation fromWire(String s) {
        for (Aggregation a : values()) {
            if (a.wire.equals(s)) {
                return a;
            }
        }
        return null;
    }
}
