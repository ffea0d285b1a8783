package alerting.job.wiring;

import alerting.contract.Telemetry;
import alerting.job.io.KafkaIO;
import alerting.job.io.Watermarks;
import alerting.job.operators.PanePreAggregator;
import alerting.job.operators.Parsers;
import alerting.job.records.MonitorUpdate;
import alerting.job.Partial;
import alerting.job.records.RawRecord;
import alerting.job.records.RecordTypes;
import alerting.job.records.TelemetryRecord;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The front both jobs share: telemetry split into records, monitors parsed, and panes
 * pre-aggregated per monitor with the monitors broadcast. Operator uids are part of the savepoint
 * contract, so they are set here once for both jobs.
 */
final class PaneStage {
    final SingleOutputStreamOperator<Telemetry> telemetry;
    final SingleOutputStreamOperator<MonitorUpdate> monitors;
    final SingleOutputStreamOperator<Partial> partials;

    private PaneStage(
            SingleOutputStreamOperator<Telemetry> telemetry,
            SingleOutputStreamOperator<MonitorUpdate> monitors,
            SingleOutputStreamOperator<Partial> partials) {
        this.telemetry = telemetry;
        this.monitors = monitors;
        this.partials = partials;
    }

    /**
     * @param baselineMonitorsOnly the baseline job aggregates only monitors with a baseline condition
     * @param preloadMonitors read a bounded monitor input completely before telemetry (local runs)
     */
    static PaneStage build(
            DataStream<TelemetryRecord> telemetryRecords,
            DataStream<RawRecord> monitorRecords,
            long allowedLatenessMs,
            boolean baselineMonitorsOnly,
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
                                        ? PanePreAggregator.preloadingMonitors(allowedLatenessMs, baselineMonitorsOnly)
                                        : new PanePreAggregator(allowedLatenessMs, baselineMonitorsOnly))
                        .uid("pane-pre-aggregation");
        return new PaneStage(telemetry, monitors, partials);
    }

    /** The telemetry topic as the deployed jobs read it, with the configured watermarks. */
    static DataStream<TelemetryRecord> kafkaTelemetry(StreamExecutionEnvironment env, JobConfig cfg) {
        long ooo = cfg.durationMs(JobConfig.OUT_OF_ORDERNESS);
        long idle = cfg.durationMs(JobConfig.IDLENESS);
        return env.fromSource(KafkaIO.telemetrySource(cfg), Watermarks.telemetry(ooo, idle), "telemetry")
                .uid("telemetry-source");
    }

    /** A compacted table topic (monitors, baselines); its watermark never holds back telemetry. */
    static DataStream<RawRecord> kafkaTable(StreamExecutionEnvironment env, JobConfig cfg, String topicKey, String name) {
        return env.fromSource(KafkaIO.tableSource(cfg, topicKey), Watermarks.<RawRecord>configuration(), name)
                .uid(name + "-source");
    }
}
