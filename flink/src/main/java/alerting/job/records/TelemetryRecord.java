package alerting.job.records;

import alerting.contract.DeadLetter;
import alerting.contract.Telemetry;

/**
 * Telemetry as it leaves the source: parsed, or the reason it could not be. Parsing happens in
 * the source so the watermark can be generated per Kafka partition.
 */
public class TelemetryRecord {
    public Telemetry telemetry;
    public DeadLetter deadLetter;

    public TelemetryRecord() {}

    public static TelemetryRecord ok(Telemetry t) {
        TelemetryRecord r = new TelemetryRecord();
        r.telemetry = t;
        return r;
    }

    public static TelemetryRecord failed(DeadLetter d) {
        TelemetryRecord r = new TelemetryRecord();
        r.deadLetter = d;
        return r;
    }

    /** Event time for the watermark; malformed records do not move it. */
    public long eventTime() {
        return telemetry != null ? telemetry.timestamp : Long.MIN_VALUE;
    }
}
