package alerting.job.wiring;

import alerting.contract.Alert;
import alerting.contract.Baseline;
import alerting.contract.DeadLetter;
import alerting.contract.LateEvent;
import alerting.contract.Telemetry;
import alerting.job.io.KafkaIO;
import alerting.job.operators.AlertEvaluator;
import alerting.job.operators.PanePreAggregator;
import alerting.job.operators.Parsers;
import alerting.job.records.EvalInput;
import alerting.job.records.MonitorUpdate;
import alerting.job.Partial;
import alerting.job.records.RawRecord;
import alerting.job.records.RecordTypes;
import alerting.job.records.TelemetryRecord;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The alert job: telemetry x monitors (broadcast) -> pane pre-aggregation -> keyed by (monitor,
 * group) together with baselines -> window evaluation -> alerts. The same graph runs on Kafka
 * (deployed), over files (local runner) and over generated data (benchmark).
 */
public final class AlertJob {
    private AlertJob() {}

    /** Outputs of the graph; the caller attaches sinks. */
    public static final class Outputs {
        public final DataStream<Alert> alerts;
        public final DataStream<DeadLetter> deadLetters;
        public final DataStream<LateEvent> lateEvents;

        Outputs(DataStream<Alert> alerts, DataStream<DeadLetter> deadLetters, DataStream<LateEvent> lateEvents) {
            this.alerts = alerts;
            this.deadLetters = deadLetters;
            this.lateEvents = lateEvents;
        }
    }

    /**
     * @param telemetryRecords parsed telemetry with timestamps and watermarks assigned
     * @param monitorRecords monitor table records; their watermark must not hold back telemetry
     * @param baselineRecords baseline table records; same watermark requirement
     * @param preloadMonitors read a bounded monitor input completely before telemetry
     */
    public static Outputs build(
            DataStream<TelemetryRecord> telemetryRecords,
            DataStream<RawRecord> monitorRecords,
            DataStream<RawRecord> baselineRecords,
            long allowedLatenessMs,
            boolean preloadMonitors) {
        PaneStage front =
                PaneStage.build(telemetryRecords, monitorRecords, allowedLatenessMs, false, preloadMonitors);
        SingleOutputStreamOperator<Telemetry> telemetry = front.telemetry;
        SingleOutputStreamOperator<MonitorUpdate> monitors = front.monitors;
        SingleOutputStreamOperator<Partial> partials = front.partials;
        SingleOutputStreamOperator<Baseline> baselines =
                baselineRecords
                        .process(new Parsers.ParseBaselines(), RecordTypes.BASELINE)
                        .uid("parse-baselines")
                        .name("parse-baselines");

        DataStream<EvalInput> evalInputs =
                partials.map(EvalInput::of, RecordTypes.EVAL_INPUT)
                        .uid("partials-to-eval-input")
                        .name("partials")
                        .union(
                                baselines
                                        .map(EvalInput::of, RecordTypes.EVAL_INPUT)
                                        .uid("baselines-to-eval-input")
                                        .name("baselines"));

        SingleOutputStreamOperator<Alert> alerts =
                evalInputs
                        .keyBy(EvalInput::key, Types.STRING)
                        .connect(monitors.broadcast(RecordTypes.monitorsDescriptor()))
                        .process(new AlertEvaluator(allowedLatenessMs), RecordTypes.ALERT)
                        .uid("alert-evaluator")
                        .name("alert-evaluator");

        DataStream<DeadLetter> deadLetters =
                telemetry
                        .getSideOutput(Parsers.DEAD_LETTERS)
                        .union(
                                monitors.getSideOutput(Parsers.DEAD_LETTERS),
                                baselines.getSideOutput(Parsers.DEAD_LETTERS));
        DataStream<LateEvent> late =
                partials.getSideOutput(PanePreAggregator.LATE_EVENTS)
                        .union(alerts.getSideOutput(PanePreAggregator.LATE_EVENTS));
        return new Outputs(alerts, deadLetters, late);
    }

    /** The deployed job: Kafka topics to Kafka topics. */
    public static void wireKafka(StreamExecutionEnvironment env, JobConfig cfg) {
        DataStream<TelemetryRecord> telemetry = PaneStage.kafkaTelemetry(env, cfg);
        DataStream<RawRecord> monitors = PaneStage.kafkaTable(env, cfg, JobConfig.TOPIC_MONITORS, "monitors");
        DataStream<RawRecord> baselines = PaneStage.kafkaTable(env, cfg, JobConfig.TOPIC_BASELINES, "baselines");
        Outputs out = build(telemetry, monitors, baselines, cfg.durationMs(JobConfig.ALLOWED_LATENESS), false);
        out.alerts.sinkTo(KafkaIO.alertSink(cfg)).uid("alerts-sink").name("alerts");
        out.deadLetters.sinkTo(KafkaIO.deadLetterSink(cfg)).uid("dead-letters-sink").name("dead-letters");
        out.lateEvents.sinkTo(KafkaIO.lateEventSink(cfg)).uid("late-events-sink").name("late-events");
    }
}
