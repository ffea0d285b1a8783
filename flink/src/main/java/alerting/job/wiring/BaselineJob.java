package alerting.job.wiring;

import alerting.contract.Baseline;
import alerting.job.io.KafkaIO;
import alerting.job.BaselineBuilder;
import alerting.job.Partial;
import alerting.job.records.RawRecord;
import alerting.job.records.RecordTypes;
import alerting.job.records.TelemetryRecord;

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
        SingleOutputStreamOperator<Partial> partials =
                PaneStage.build(telemetryRecords, monitorRecords, allowedLatenessMs, true, preloadMonitors).partials;
        return partials
                .keyBy(Partial::key, Types.STRING)
                .process(new BaselineBuilder(historyMs, maxSamplesPerBucket, allowedLatenessMs), RecordTypes.BASELINE)
                .uid("baseline-builder")
                .name("baseline-builder");
    }

    public static void wireKafka(StreamExecutionEnvironment env, JobConfig cfg) {
        DataStream<TelemetryRecord> telemetry = PaneStage.kafkaTelemetry(env, cfg);
        DataStream<RawRecord> monitors = PaneStage.kafkaTable(env, cfg, JobConfig.TOPIC_MONITORS, "monitors");
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
