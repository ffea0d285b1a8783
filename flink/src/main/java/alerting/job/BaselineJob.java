package alerting.job;

import alerting.contract.Baseline;
import alerting.contract.Telemetry;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The baseline job: the alert job's pane pre-aggregation restricted to baseline monitors, then
 * per (monitor, group) the hour-of-week statistics, published to a compacted topic.
 *
 * <p>Dead letters and late events are counted in this job's metrics but published by the alert
 * job only, which reads the same inputs, so each appears once on its topic.
 */
public final class BaselineJob {
    private BaselineJob() {}

    public static DataStream<Baseline> build(
            DataStream<TelemetryRecord> telemetryRecords,
            DataStream<RawRecord> monitorRecords,
            long allowedLatenessMs,
            long historyMs,
            int maxSamplesPerBucket,
            boolean preloadMonitors) {
        SingleOutputStreamOperator<Telemetry> telemetry =
                telemetryRecords
                        .process(new Parsers.SplitTelemetry(), RecordTypes.TELEMETRY)
                        .uid("split-telemetry")
                        .name("split-telemetry");
        SingleOutputStreamOperator<MonitorUpdate> monitors =
                monitorRecords
                        .process(new Parsers.ParseMonitors(), RecordTypes.MONITOR_UPDATE)
                        .uid("parse-monitors")
                        .name("parse-monitors");
        SingleOutputStreamOperator<Partial> partials =
                telemetry
                        .connect(monitors.broadcast())
                        .transform(
                                "pane-pre-aggregation",
                                RecordTypes.PARTIAL,
                                preloadMonitors
                                        ? PanePreAggregator.preloadingMonitors(allowedLatenessMs, true)
                                        : new PanePreAggregator(allowedLatenessMs, true))
                        .uid("pane-pre-aggregation");
        return partials
                .keyBy(Partial::key, Types.STRING)
                .process(new BaselineBuilder(historyMs, maxSamplesPerBucket, allowedLatenessMs), RecordTypes.BASELINE)
                .uid("baseline-builder")
                .name("baseline-builder");
    }

    public static void wireKafka(StreamExecutionEnvironment env, JobConfig cfg) {
        long ooo = cfg.durationMs(JobConfig.OUT_OF_ORDERNESS);
        long idle = cfg.durationMs(JobConfig.IDLENESS);
        DataStream<TelemetryRecord> telemetry =
                env.fromSource(KafkaIO.telemetrySource(cfg), Watermarks.telemetry(ooo, idle), "telemetry")
                        .uid("telemetry-source");
        DataStream<RawRecord> monitors =
                env.fromSource(
                                KafkaIO.tableSource(cfg, JobConfig.TOPIC_MONITORS),
                                Watermarks.<RawRecord>configuration(),
                                "monitors")
                        .uid("monitors-source");
        build(
                        telemetry,
                        monitors,
                        cfg.durationMs(JobConfig.ALLOWED_LATENESS),
                        cfg.durationMs(JobConfig.BASELINE_HISTORY),
                        cfg.positiveInt(JobConfig.BASELINE_MAX_SAMPLES),
                        false)
                .sinkTo(KafkaIO.baselineSink(cfg))
                .uid("baselines-sink")
                .name("baselines");
    }
}
