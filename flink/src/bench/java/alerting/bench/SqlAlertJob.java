package alerting.bench;

import alerting.contract.Aggregation;
import alerting.contract.Alert;
import alerting.contract.Condition;
import alerting.contract.Monitor;
import alerting.contract.MonitorCodec;
import alerting.contract.Telemetry;
import alerting.job.records.RecordTypes;
import alerting.job.records.TelemetryRecord;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The alert job's threshold monitors written in Flink SQL, the peer the benchmark measures the
 * DataStream job against. Per monitor a hopping window table-valued function with GROUP BY
 * computes the window values ({@code P95} is {@link NearestRankP95}); the windows of all monitors
 * are unioned and an unbounded OVER window per monitor and group runs the {@code for} logic
 * ({@link AlertTransitions}). Events at or behind the watermark are dropped before the windows,
 * as the job (allowed lateness 0) sends them to its late output.
 *
 * <p>Monitors are fixed when the query is planned (the DataStream job reads them from a topic at
 * run time). Only threshold conditions, and window sizes that are multiples of the slide (what
 * Flink's HOP requires), are expressed.
 */
public final class SqlAlertJob {
    /** Separates the values of a multi-dimension group in the {@code grp} column. */
    static final char GROUP_SEPARATOR = '\u001f';

    private SqlAlertJob() {}

    /**
     * @param telemetry parsed telemetry with timestamps and watermarks assigned (malformed records
     *     are skipped)
     */
    public static DataStream<Alert> build(
            StreamExecutionEnvironment env, DataStream<TelemetryRecord> telemetry, List<Monitor> monitors) {
        List<Monitor> enabled = monitors.stream().filter(m -> m.enabled).collect(Collectors.toList());
        if (enabled.isEmpty()) {
            throw new IllegalArgumentException("monitors: expected at least one enabled monitor");
        }
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        tEnv.getConfig().set("table.local-time-zone", "UTC");
        tEnv.createTemporarySystemFunction("P95", NearestRankP95.class);
        tEnv.createTemporarySystemFunction("ALERT_TRANSITIONS", AlertTransitions.class);

        DataStream<Telemetry> parsed =
                telemetry.filter(r -> r.telemetry != null).name("skip-malformed")
                        .map(r -> r.telemetry, RecordTypes.TELEMETRY).name("telemetry");
        tEnv.createTemporaryView(
                "telemetry",
                tEnv.fromDataStream(
                        parsed,
                        Schema.newBuilder()
                                .columnByMetadata("rowtime", "TIMESTAMP_LTZ(3)")
                                .watermark("rowtime", "SOURCE_WATERMARK()")
                                .build()));
        tEnv.executeSql(
                "CREATE TEMPORARY VIEW on_time AS SELECT * FROM telemetry"
                        + " WHERE CURRENT_WATERMARK(rowtime) IS NULL OR rowtime > CURRENT_WATERMARK(rowtime)");

        List<String> windows = new ArrayList<>();
        for (Monitor m : enabled) {
            windows.add(windowQuery(m));
        }
        tEnv.executeSql("CREATE TEMPORARY VIEW windows AS\n" + String.join("\nUNION ALL\n", windows));
        Table transitions =
                tEnv.sqlQuery(
                        "SELECT monitor_id, grp, window_time, v, t.status AS status, t.gap_recovered_end AS gap_recovered_end\n"
                                + "FROM (SELECT monitor_id, grp, window_time, v,\n"
                                + "        ALERT_TRANSITIONS(window_time, breach, slide_ms, windows_to_trigger, windows_to_recover)\n"
                                + "          OVER (PARTITION BY monitor_id, grp ORDER BY window_time\n"
                                + "                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS t\n"
                                + "      FROM windows)\n"
                                + "WHERE t.status IS NOT NULL OR t.gap_recovered_end IS NOT NULL");
        Map<String, String> byId = new HashMap<>();
        enabled.forEach(m -> byId.put(m.id, MonitorCodec.toJson(m)));
        return tEnv.toDataStream(transitions).flatMap(new ToAlerts(byId), RecordTypes.ALERT).name("to-alerts");
    }

    /** The window values of one monitor: one row per group and window with events. */
    static String windowQuery(Monitor m) {
        if (m.condition.type != Condition.Type.THRESHOLD) {
            throw new IllegalArgumentException("monitor " + m.id + ": the SQL peer expresses threshold conditions only");
        }
        if (m.windowSizeMs % m.windowSlideMs != 0) {
            throw new IllegalArgumentException(
                    "monitor " + m.id + ": window.size must be a multiple of window.slide for SQL's HOP");
        }
        String metric = "metrics[" + literal(m.metric) + "]";
        List<String> dims = new ArrayList<>();
        StringBuilder where = new StringBuilder("source = " + literal(m.source) + " AND " + metric + " IS NOT NULL");
        for (String d : m.groupBy) {
            String dim = "dimensions[" + literal(d) + "]";
            dims.add(dim);
            where.append(" AND ").append(dim).append(" IS NOT NULL");
        }
        String grp =
                dims.isEmpty() ? "''"
                        : dims.size() == 1 ? dims.get(0)
                        : "CONCAT_WS(CHR(" + (int) GROUP_SEPARATOR + "), " + String.join(", ", dims) + ")";
        String groupKeys = dims.isEmpty() ? "" : ", " + String.join(", ", dims);
        return "SELECT CAST(" + literal(m.id) + " AS STRING) AS monitor_id, grp, window_time, v,\n"
                + "  v " + sqlOperator(m.condition) + " CAST(" + Double.toString(m.condition.value) + " AS DOUBLE) AS breach,\n"
                + "  CAST(" + m.windowSlideMs + " AS BIGINT) AS slide_ms, " + m.windowsToTrigger() + " AS windows_to_trigger, "
                + m.windowsToRecover() + " AS windows_to_recover\n"
                + "FROM (SELECT window_time, CAST(" + grp + " AS STRING) AS grp, " + aggregate(m.aggregation, metric) + " AS v\n"
                + "  FROM TABLE(HOP(TABLE on_time, DESCRIPTOR(rowtime), " + interval(m.windowSlideMs) + ", "
                + interval(m.windowSizeMs) + "))\n"
                + "  WHERE " + where + "\n"
                + "  GROUP BY window_start, window_end, window_time" + groupKeys + ")";
    }

    static String aggregate(Aggregation a, String metric) {
        switch (a) {
            case AVG:
            case MIN:
            case MAX:
            case SUM:
                return a.name() + "(" + metric + ")";
            case COUNT:
                return "CAST(COUNT(" + metric + ") AS DOUBLE)";
            case P95:
                return "P95(" + metric + ")";
            default:
                throw new IllegalArgumentException("aggregation " + a);
        }
    }

    static String sqlOperator(Condition c) {
        switch (c.operator) {
            case EQ:
                return "=";
            case NE:
                return "<>";
            default:
                return c.operator.wire();
        }
    }

    /** A day-time interval literal with millisecond precision. */
    static String interval(long ms) {
        return String.format(
                "INTERVAL '%d %02d:%02d:%02d.%03d' DAY(5) TO SECOND(3)",
                ms / 86_400_000L, ms / 3_600_000L % 24, ms / 60_000L % 60, ms / 1000L % 60, ms % 1000L);
    }

    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** Transition rows to alert records (a row can carry a gap recovery and its own transition). */
    static final class ToAlerts extends RichFlatMapFunction<Row, Alert> {
        private static final long serialVersionUID = 1L;
        /** Monitor JSON by id (the contract classes are not Serializable). */
        private final Map<String, String> monitorJson;
        private transient Map<String, Monitor> monitors;

        ToAlerts(Map<String, String> monitorJson) {
            this.monitorJson = monitorJson;
        }

        @Override
        public void open(OpenContext openContext) {
            monitors = new HashMap<>();
            monitorJson.forEach((id, json) -> monitors.put(id, MonitorCodec.parse(json)));
        }

        @Override
        public void flatMap(Row r, Collector<Alert> out) {
            Monitor m = monitors.get((String) r.getFieldAs("monitor_id"));
            Map<String, String> group = group(m, r.getFieldAs("grp"));
            Long gapEnd = r.getFieldAs("gap_recovered_end");
            if (gapEnd != null) {
                out.collect(alert(m, group, Alert.RECOVERED, null, gapEnd));
            }
            String status = r.getFieldAs("status");
            if (status != null) {
                long end = ((Instant) r.getFieldAs("window_time")).toEpochMilli() + 1;
                out.collect(alert(m, group, status, r.getFieldAs("v"), end));
            }
        }

        private static Alert alert(Monitor m, Map<String, String> group, String status, Double value, long end) {
            return new Alert(m.id, group, status, value, m.condition.value, end - m.windowSizeMs, end, m.severity);
        }

        private static Map<String, String> group(Monitor m, String grp) {
            Map<String, String> g = new TreeMap<>();
            String[] values = grp.split(String.valueOf(GROUP_SEPARATOR), -1);
            for (int i = 0; i < m.groupBy.size(); i++) {
                g.put(m.groupBy.get(i), values[i]);
            }
            return g;
        }
    }
}
