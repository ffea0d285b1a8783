package alerting.bench;

import static org.assertj.core.api.Assertions.assertThat;

import alerting.TestData;
import alerting.contract.Alert;
import alerting.contract.Monitor;
import alerting.contract.MonitorCodec;
import alerting.job.wiring.JobConfig;
import alerting.job.wiring.JobEnv;
import alerting.local.FileInputs;
import alerting.local.LocalRunner;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Flink SQL peer of the benchmark and the DataStream job produce the same alerts (status,
 * monitor, group, window, value, threshold) from the same files, both on the MiniCluster.
 */
class SqlPeerTest {
    static final Comparator<Alert> ORDER =
            Comparator.comparingLong((Alert a) -> a.windowEnd)
                    .thenComparing(a -> a.monitorId)
                    .thenComparing(a -> a.alertId)
                    .thenComparing(a -> a.status);

    @Test
    void sameAlertsOnTheThresholdScenario() throws Exception {
        Path dir = TestData.fixtures().resolve("scenarios/threshold-trigger-recover");
        List<Alert> alerts = sameAlerts(dir.resolve("monitors.json"), dir.resolve("telemetry.jsonl"));
        assertThat(alerts).hasSize(4);
    }

    /**
     * Every aggregation, tumbling and sliding windows, {@code for} of 1 to 4 windows, {@code
     * recoverAfter}, a group of two dimensions, a monitor without groupBy, and a pool that goes
     * silent while its alerts are open (the SQL windows have no rows for the silence).
     */
    @Test
    void sameAlertsWithEveryAggregationAndASilentGroup(@TempDir Path dir) throws Exception {
        Path monitors = dir.resolve("monitors.json");
        Path telemetry = dir.resolve("telemetry.jsonl");
        Files.writeString(monitors, MONITORS, StandardCharsets.UTF_8);
        Files.write(telemetry, telemetryLines(), StandardCharsets.UTF_8);

        List<Alert> alerts = sameAlerts(monitors, telemetry);

        assertThat(alerts.stream().map(a -> a.monitorId).collect(Collectors.toSet()))
                .isEqualTo(Set.of("lat-avg", "lat-p95", "lat-max", "lat-min", "cpu-sum", "all-count"));
        assertThat(alerts).filteredOn(a -> a.status.equals(Alert.TRIGGERED)).hasSizeGreaterThan(10);
        // pool-c is silent from 09:06 to 09:09: its open alerts recover, with no value, at the
        // first empty window (lat-p95: the second, recoverAfter is two windows).
        assertThat(alerts)
                .filteredOn(a -> a.value == null)
                .extracting(a -> a.monitorId + " " + a.group.values() + " " + Instant.ofEpochMilli(a.windowEnd))
                .containsExactlyInAnyOrder(
                        "lat-avg [pool-c] 2025-01-06T09:06:30Z",
                        "lat-max [site-1, pool-c] 2025-01-06T09:07:00Z",
                        "lat-max [site-2, pool-c] 2025-01-06T09:07:00Z",
                        "lat-p95 [pool-c] 2025-01-06T09:07:30Z",
                        "cpu-sum [pool-c] 2025-01-06T09:08:00Z");
    }

    static List<Alert> sameAlerts(Path monitorsFile, Path telemetryFile) throws Exception {
        Map<String, String> opts = new HashMap<>();
        opts.put("monitors", monitorsFile.toString());
        opts.put("telemetry", telemetryFile.toString());
        opts.put("out", "unused");
        List<Alert> ours = new ArrayList<>(LocalRunner.run(opts).alerts);
        ours.sort(ORDER);

        List<Monitor> monitors = MonitorCodec.parseList(Files.readString(monitorsFile, StandardCharsets.UTF_8));
        JobConfig cfg = JobConfig.defaults();
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, "0");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        JobEnv.configure(env, cfg);
        List<Alert> sql = new ArrayList<>();
        try (CloseableIterator<Alert> it =
                SqlAlertJob.build(env, FileInputs.telemetry(env, cfg.durationMs(JobConfig.OUT_OF_ORDERNESS), telemetryFile), monitors)
                        .executeAndCollect()) {
            it.forEachRemaining(sql::add);
        }
        sql.sort(ORDER);

        assertThat(sql).containsExactlyElementsOf(ours);
        return ours;
    }

    static final String MONITORS =
            "["
                    + monitor("lat-avg", "networkLatencyMs", "avg", "[\"desktopPool\"]", "PT30S", "PT30S", ">", 300, "PT2M", null)
                    + "," + monitor("lat-p95", "networkLatencyMs", "p95", "[\"desktopPool\"]", "PT1M", "PT30S", ">", 350, "PT1M", "PT1M")
                    + "," + monitor("lat-max", "networkLatencyMs", "max", "[\"desktopPool\",\"clientLocation\"]", "PT1M", "PT1M", ">=", 400, "PT0S", null)
                    + "," + monitor("lat-min", "networkLatencyMs", "min", "[\"desktopPool\"]", "PT30S", "PT30S", "<", 105, "PT0S", "PT1M30S")
                    + "," + monitor("cpu-sum", "cpuQueueLength", "sum", "[\"desktopPool\"]", "PT2M", "PT1M", ">", 40, "PT2M", null)
                    + "," + monitor("all-count", "networkLatencyMs", "count", "[]", "PT30S", "PT30S", "<", 36, "PT0S", null)
                    + "," + monitor("disabled", "networkLatencyMs", "max", "[]", "PT30S", "PT30S", ">=", 0, "PT0S", null)
                            .replace("\"enabled\":true", "\"enabled\":false")
                    + "]";

    static String monitor(
            String id, String metric, String agg, String groupBy, String size, String slide, String op, double value,
            String forPeriod, String recoverAfter) {
        return "{\"id\":\"" + id + "\",\"source\":\"vdi\",\"metric\":\"" + metric + "\",\"aggregation\":\"" + agg
                + "\",\"groupBy\":" + groupBy + ",\"window\":{\"size\":\"" + size + "\",\"slide\":\"" + slide
                + "\"},\"condition\":{\"type\":\"threshold\",\"operator\":\"" + op + "\",\"value\":" + value
                + "},\"for\":\"" + forPeriod + "\"" + (recoverAfter == null ? "" : ",\"recoverAfter\":\"" + recoverAfter + "\"")
                + ",\"severity\":\"warning\",\"enabled\":true}";
    }

    /**
     * 12 desktops in 4 pools report every 10 s for 20 minutes. Latency is 100 + desktop number,
     * 400 + desktop number while a pool is high: pool-a in minutes 3-8, pool-b in even minutes,
     * pool-c in minutes 2-5 (then silent in minutes 6-8), pool-d never (one 900 ms spike).
     * Integer values keep sums exact in any order of addition.
     */
    static List<String> telemetryLines() {
        List<String> lines = new ArrayList<>();
        long t0 = Instant.parse("2025-01-06T09:00:00Z").toEpochMilli();
        for (int round = 0; round < 120; round++) {
            int minute = round / 6;
            for (int e = 0; e < 12; e++) {
                char pool = "abcd".charAt(e % 4);
                if (pool == 'c' && minute >= 6 && minute < 9) {
                    continue;
                }
                boolean high =
                        switch (pool) {
                            case 'a' -> minute >= 3 && minute < 9;
                            case 'b' -> minute % 2 == 0;
                            case 'c' -> minute >= 2 && minute < 6;
                            default -> false;
                        };
                int latency = (pool == 'd' && round == 72 && e == 3) ? 900 : (high ? 400 : 100) + e;
                int cpu = e % 5 + (high ? 5 : 0);
                lines.add(
                        "{\"source\":\"vdi\",\"timestamp\":\"" + Instant.ofEpochMilli(t0 + round * 10_000L + e * 100L)
                                + "\",\"entity\":\"desktop-" + e + "\",\"dimensions\":{\"desktopPool\":\"pool-" + pool
                                + "\",\"clientLocation\":\"site-" + (e / 4 % 2 + 1) + "\"},\"metrics\":{\"networkLatencyMs\":"
                                + latency + ",\"cpuQueueLength\":" + cpu + "}}");
            }
        }
        return lines;
    }
}
