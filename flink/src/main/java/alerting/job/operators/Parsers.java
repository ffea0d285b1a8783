package alerting.job.operators;

import alerting.contract.Baseline;
import alerting.contract.BaselineCodec;
import alerting.contract.ContractException;
import alerting.contract.DeadLetter;
import alerting.contract.Monitor;
import alerting.contract.MonitorCodec;
import alerting.contract.Telemetry;
import alerting.contract.TelemetryCodec;
import alerting.job.records.MonitorUpdate;
import alerting.job.records.RawRecord;
import alerting.job.records.RecordTypes;
import alerting.job.records.TelemetryRecord;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.nio.charset.StandardCharsets;

/** Turn raw records into contracts; whatever does not parse goes to the dead-letter output. */
public final class Parsers {
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", RecordTypes.DEAD_LETTER);

    public static final String TELEMETRY = "telemetry";
    public static final String MONITORS = "monitors";
    public static final String BASELINES = "baselines";

    private Parsers() {}

    /** Used by the Kafka deserializer and the file reader alike. */
    public static TelemetryRecord telemetry(byte[] value) {
        if (value == null) {
            return TelemetryRecord.failed(
                    DeadLetter.of(TELEMETRY, "telemetry: empty record (tombstone)", null));
        }
        try {
            return TelemetryRecord.ok(TelemetryCodec.parse(value));
        } catch (ContractException e) {
            return TelemetryRecord.failed(
                    DeadLetter.of(
                            TELEMETRY, e.getMessage(), new String(value, StandardCharsets.UTF_8)));
        }
    }

    public static TelemetryRecord telemetry(String line) {
        return telemetry(line.getBytes(StandardCharsets.UTF_8));
    }

    private abstract static class Counting<I, O> extends ProcessFunction<I, O> {
        private static final long serialVersionUID = 1L;
        transient Counter deadLetters;

        @Override
        public void open(OpenContext openContext) {
            deadLetters =
                    Metrics.group(getRuntimeContext().getMetricGroup())
                            .counter(Metrics.DEAD_LETTERS);
        }

        void reject(Context ctx, DeadLetter d) {
            deadLetters.inc();
            ctx.output(DEAD_LETTERS, d);
        }
    }

    /** Splits parsed telemetry from dead letters (parsing itself happened in the source). */
    public static class SplitTelemetry extends Counting<TelemetryRecord, Telemetry> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement(TelemetryRecord r, Context ctx, Collector<Telemetry> out) {
            if (r.telemetry != null) {
                out.collect(r.telemetry);
            } else {
                reject(ctx, r.deadLetter);
            }
        }
    }

    /**
     * Monitor table records: key = monitor id, value = monitor JSON; a tombstone (null value)
     * deletes the monitor, {@code "enabled": false} disables it.
     */
    public static class ParseMonitors extends Counting<RawRecord, MonitorUpdate> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement(RawRecord r, Context ctx, Collector<MonitorUpdate> out) {
            if (r.value == null) {
                if (r.key != null && !r.key.isEmpty()) {
                    out.collect(MonitorUpdate.delete(r.key));
                } else {
                    reject(ctx, located(DeadLetter.of(MONITORS, "monitor: tombstone without a key", null), r));
                }
                return;
            }
            try {
                Monitor m = MonitorCodec.parse(r.value);
                if (r.key != null && !r.key.isEmpty() && !r.key.equals(m.id)) {
                    throw new ContractException(
                            "monitor.id: \"" + m.id + "\" does not match the record key \"" + r.key + "\"");
                }
                out.collect(MonitorUpdate.upsert(m));
            } catch (ContractException e) {
                reject(ctx, located(DeadLetter.of(MONITORS, e.getMessage(), r.value), r));
            }
        }
    }

    /** Baseline table records published by the baseline job; tombstones are ignored. */
    public static class ParseBaselines extends Counting<RawRecord, Baseline> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement(RawRecord r, Context ctx, Collector<Baseline> out) {
            if (r.value == null) {
                return;
            }
            try {
                out.collect(BaselineCodec.parse(r.value));
            } catch (ContractException e) {
                reject(ctx, located(DeadLetter.of(BASELINES, e.getMessage(), r.value), r));
            }
        }
    }

    static DeadLetter located(DeadLetter d, RawRecord r) {
        if (r.topic != null) {
            d.at(r.topic, r.partition, r.offset);
        }
        return d;
    }
}
