package alerting.job.io;

import alerting.job.records.TelemetryRecord;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

import java.time.Duration;

/** Watermark strategies of the three inputs. */
public final class Watermarks {
    private Watermarks() {}

    /**
     * Telemetry: bounded out-of-orderness; an input with no data for {@code idleness} is marked
     * idle so one quiet Kafka partition cannot stall every window (0 disables idleness).
     */
    public static WatermarkStrategy<TelemetryRecord> telemetry(long outOfOrdernessMs, long idlenessMs) {
        WatermarkStrategy<TelemetryRecord> s =
                WatermarkStrategy.<TelemetryRecord>forBoundedOutOfOrderness(Duration.ofMillis(outOfOrdernessMs))
                        .withTimestampAssigner((r, ts) -> r.eventTime());
        return idlenessMs > 0 ? s.withIdleness(Duration.ofMillis(idlenessMs)) : s;
    }

    /**
     * Same bound, but a watermark after every event instead of every interval: replaying a file
     * then decides lateness identically on every run.
     */
    public static WatermarkStrategy<TelemetryRecord> telemetryPerEvent(long outOfOrdernessMs) {
        return WatermarkStrategy.<TelemetryRecord>forGenerator(ctx -> new PerEvent(outOfOrdernessMs))
                .withTimestampAssigner((r, ts) -> r.eventTime());
    }

    /**
     * Monitor and baseline tables are configuration, not events: their stream is permanently
     * idle, so an operator joining it with telemetry takes the telemetry watermark alone and a
     * slow or empty table never holds windows back.
     *
     * <p>Idle rather than a +infinity watermark: with +infinity, a quiet telemetry input (marked
     * idle itself) would leave the table as the only active input, the joined watermark would
     * jump to +infinity and every later event would be late. With both idle, Flink keeps the
     * highest watermark seen, i.e. the telemetry one.
     */
    public static <T> WatermarkStrategy<T> configuration() {
        return WatermarkStrategy.<T>forGenerator(ctx -> new AlwaysIdle<>())
                .withTimestampAssigner((r, ts) -> Long.MIN_VALUE);
    }

    static final class PerEvent implements WatermarkGenerator<TelemetryRecord> {
        private final long outOfOrdernessMs;
        private long emitted = Long.MIN_VALUE;

        PerEvent(long outOfOrdernessMs) {
            this.outOfOrdernessMs = outOfOrdernessMs;
        }

        @Override
        public void onEvent(TelemetryRecord r, long ts, WatermarkOutput out) {
            if (ts == Long.MIN_VALUE) {
                return;
            }
            long wm = ts - outOfOrdernessMs - 1;
            if (wm > emitted) {
                emitted = wm;
                out.emitWatermark(new Watermark(wm));
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput out) {}
    }

    static final class AlwaysIdle<T> implements WatermarkGenerator<T> {
        @Override
        public void onEvent(T event, long ts, WatermarkOutput out) {
            out.markIdle();
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput out) {
            out.markIdle();
        }
    }
}
