package alerting;

import alerting.contract.Aggregation;
import alerting.contract.Condition;
import alerting.contract.Monitor;
import alerting.contract.Operator;
import alerting.contract.Telemetry;
import alerting.core.Accumulator;
import alerting.job.Partial;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/** Builders shared by the tests. */
public final class TestData {
    /** Monday 2025-01-06 09:00:00 UTC. */
    public static final long T0 = Instant.parse("2025-01-06T09:00:00Z").toEpochMilli();
    public static final long S30 = 30_000L;

    private TestData() {}

    public static Path fixtures() {
        return Path.of(System.getProperty("fixtures.dir", "../fixtures/alerting"));
    }

    /** avg(latency) per desktopPool, tumbling 30 s windows, > threshold for {@code forMs}. */
    public static Monitor latencyMonitor(String id, double threshold, long forMs) {
        Monitor m = new Monitor();
        m.id = id;
        m.source = "vdi";
        m.metric = "networkLatencyMs";
        m.aggregation = Aggregation.AVG;
        m.groupBy = new ArrayList<>(List.of("desktopPool"));
        m.windowSizeMs = S30;
        m.windowSlideMs = S30;
        m.condition = Condition.threshold(Operator.GT, threshold);
        m.forMs = forMs;
        m.severity = "critical";
        return m;
    }

    public static Telemetry telemetry(long ts, String entity, String pool, double latency) {
        Map<String, String> dims = new HashMap<>();
        dims.put("desktopPool", pool);
        Map<String, Double> metrics = new HashMap<>();
        metrics.put("networkLatencyMs", latency);
        return new Telemetry("vdi", ts, entity, dims, metrics);
    }

    public static Map<String, String> pool(String name) {
        Map<String, String> g = new TreeMap<>();
        g.put("desktopPool", name);
        return g;
    }

    /** Partial of the monitor's pane starting at {@code paneStart} holding the values. */
    public static Partial partial(Monitor m, String pool, long paneStart, double... values) {
        return new Partial(
                m,
                "{\"desktopPool\":\"" + pool + "\"}",
                pool(pool),
                paneStart,
                Accumulator.of(m.aggregation.needsValues(), values));
    }

    /** Values of the main output (StreamRecords) of a harness output queue. */
    @SuppressWarnings("unchecked")
    public static <T> List<T> values(Iterable<Object> output) {
        List<T> out = new ArrayList<>();
        for (Object o : output) {
            if (o instanceof StreamRecord) {
                out.add(((StreamRecord<T>) o).getValue());
            }
        }
        return out;
    }
}
