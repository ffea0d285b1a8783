package alerting.job.records;

import alerting.job.Partial;
import alerting.contract.Alert;
import alerting.contract.Baseline;
import alerting.contract.DeadLetter;
import alerting.contract.LateEvent;
import alerting.contract.Monitor;
import alerting.contract.Telemetry;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.state.MapStateDescriptor;

/** Type information of every record and state type: all Flink POJOs, none falls back to Kryo. */
public final class RecordTypes {
    public static final TypeInformation<Telemetry> TELEMETRY = Types.POJO(Telemetry.class);
    public static final TypeInformation<TelemetryRecord> TELEMETRY_RECORD =
            Types.POJO(TelemetryRecord.class);
    public static final TypeInformation<RawRecord> RAW_RECORD = Types.POJO(RawRecord.class);
    public static final TypeInformation<Monitor> MONITOR = Types.POJO(Monitor.class);
    public static final TypeInformation<MonitorUpdate> MONITOR_UPDATE =
            Types.POJO(MonitorUpdate.class);
    public static final TypeInformation<Partial> PARTIAL = Types.POJO(Partial.class);
    public static final TypeInformation<EvalInput> EVAL_INPUT = Types.POJO(EvalInput.class);
    public static final TypeInformation<Baseline> BASELINE = Types.POJO(Baseline.class);
    public static final TypeInformation<Alert> ALERT = Types.POJO(Alert.class);
    public static final TypeInformation<DeadLetter> DEAD_LETTER = Types.POJO(DeadLetter.class);
    public static final TypeInformation<LateEvent> LATE_EVENT = Types.POJO(LateEvent.class);

    private RecordTypes() {}

    /**
     * Monitor definitions by id: broadcast state of both the fan-out and the evaluator. One
     * instance, because looking state up with a fresh descriptor builds its serializer again.
     */
    private static final MapStateDescriptor<String, Monitor> MONITORS =
            new MapStateDescriptor<>("monitors", Types.STRING, MONITOR);

    public static MapStateDescriptor<String, Monitor> monitorsDescriptor() {
        return MONITORS;
    }
}
