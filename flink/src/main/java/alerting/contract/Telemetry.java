package alerting.contract;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Telemetry contract v1: one measurement of one entity at one instant.
 *
 * <p>Public fields and a no-arg constructor make this a Flink POJO (no Kryo on the hot path).
 */
public class Telemetry {
    public String source;
    /** Event time in epoch milliseconds (ISO-8601 UTC on the wire). */
    public long timestamp;
    public String entity;
    public Map<String, String> dimensions = new HashMap<>();
    public Map<String, Double> metrics = new HashMap<>();

    public Telemetry() {}

    public Telemetry(
            String source,
            long timestamp,
            String entity,
            Map<String, String> dimensions,
            Map<String, Double> metrics) {
        this.source = source;
        this.timestamp = timestamp;
        this.entity = entity;
        this.dimensions = dimensions;
        this.metrics = metrics;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Telemetry)) {
            return false;
        }
        Telemetry t = (Telemetry) o;
        return timestamp == t.timestamp
                && Objects.equals(source, t.source)
                && Objects.equals(entity, t.entity)
                && Objects.equals(dimensions, t.dimensions)
                && Objects.equals(metrics, t.metrics);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, timestamp, entity);
    }

    @Override
    public String toString() {
        return TelemetryCodec.toJson(this);
    }
}
