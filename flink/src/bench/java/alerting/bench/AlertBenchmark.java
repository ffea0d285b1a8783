package alerting.bench;

import alerting.contract.Aggregation;
import alerting.contract.Alert;
import alerting.contract.Condition;
import alerting.contract.Monitor;
import alerting.contract.MonitorCodec;
import alerting.contract.Operator;
import alerting.job.io.Watermarks;
import alerting.job.operators.Parsers;
import alerting.job.records.RecordTypes;
import alerting.job.records.TelemetryRecord;
import alerting.job.wiring.AlertJob;
import alerting.job.wiring.JobConfig;
import alerting.job.wiring.JobEnv;
import alerting.local.FileInputs;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Alert job benchmark on the MiniCluster, parallelism 2: 10,000 entities in 100 desktop pools,
 * 20 monitors.
 *
 * <ol>
 *   <li>Throughput: a fixed number of generated telemetry events (JSON text, parsed by the job
 *       like Kafka records) as fast as possible; reports events/s/core = events / job runtime /
 *       parallelism. JSON generation runs on the same cores and is included. The same events
 *       and monitors then run through the Flink SQL peer ({@link SqlAlertJob}, same parser) in the
 *       same JVM, and the ratio ours/SQL is reported.
 *   <li>Latency: half of the measured maximum rate with event time = wall clock; groups
 *       alternate between breaching and clear every 10 s; for every alert, emission time minus
 *       the end of the window that decided it (i.e. the latency beyond the {@code for} period).
 * </ol>
 *
 * Run: {@code mvn -q -f flink/pom.xml -Pbench test-compile exec:exec@bench} (options: {@code
 * -Dbench.args="--events 6000000 --latency-seconds 60"}).
 */
public final class AlertBenchmark {
    static final int ENTITIES = 10_000;
    static final int POOLS = 100;
    static final int MONITORS = 20;
    static final int PARALLELISM = 2;
    static final long T0 = Instant.parse("2025-01-06T00:00:00Z").toEpochMilli();

    /** (windowEnd, latency ms) of every alert of the latency phase. */
    static final ConcurrentLinkedQueue<long[]> LATENCIES = new ConcurrentLinkedQueue<>();
    static final AtomicLong ALERTS = new AtomicLong();
    static final AtomicLong LATE = new AtomicLong();

    private AlertBenchmark() {}

    public static void main(String[] args) throws Exception {
        long events = 6_000_000;
        int latencySeconds = 60;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--events":
                    events = Long.parseLong(args[i + 1]);
                    break;
                case "--latency-seconds":
                    latencySeconds = Integer.parseInt(args[i + 1]);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        events = events / PARALLELISM * PARALLELISM;
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(
                "alert job benchmark: MiniCluster parallelism %d on %d cores, %d entities, %d groups, %d monitors%n",
                PARALLELISM, cores, ENTITIES, POOLS, MONITORS);

        List<Monitor> monitors = throughputMonitors();
        Throughput ours =
                throughput("DataStream job", events, (env, telemetry) -> wire(env, telemetry, monitors, new CountingSink()));
        Throughput sql =
                throughput(
                        "Flink SQL peer",
                        events,
                        (env, telemetry) -> SqlAlertJob.build(env, telemetry, monitors).sinkTo(new CountingSink()).name("alerts"));
        System.out.printf(
                "ratio ours/SQL: %.2fx events/s/core (wall clock), %.2fx per CPU second; alerts: ours %,d, SQL %,d (%s)%n",
                ours.perCore / sql.perCore,
                ours.perCpuSecond / sql.perCpuSecond,
                ours.alerts,
                sql.alerts,
                ours.alerts == sql.alerts ? "same" : "DIFFERENT");
        double perSecond = ours.perCore * PARALLELISM;

        if (latencySeconds > 0) {
            latency(perSecond / 2, latencySeconds);
        }
    }

    // ------------------------------------------------------------------ throughput

    static List<Monitor> throughputMonitors() {
        List<Monitor> monitors = new ArrayList<>();
        String[] metrics = {"networkLatencyMs", "cpuQueueLength", "memoryUsedPct", "frameRate"};
        Aggregation[] aggs = {Aggregation.AVG, Aggregation.P95, Aggregation.MAX, Aggregation.MIN, Aggregation.SUM, Aggregation.COUNT};
        long[][] windows = {{30_000, 30_000}, {60_000, 30_000}, {300_000, 30_000}};
        for (int i = 0; i < MONITORS; i++) {
            Monitor m = monitor("m" + i, metrics[i % 4], aggs[i % 6], windows[i % 3][0], windows[i % 3][1]);
            m.condition = Condition.threshold(Operator.GT, 250);
            m.forMs = 120_000;
            monitors.add(m);
        }
        return monitors;
    }

    /** Attaches an alerting graph and its sink to the generated telemetry. */
    interface Graph {
        void wire(StreamExecutionEnvironment env, DataStream<TelemetryRecord> telemetry) throws Exception;
    }

    record Throughput(double perCore, double perCpuSecond, long alerts) {}

    /** The generated events through {@code graph} as fast as possible; same source and parser for every graph. */
    static Throughput throughput(String name, long events, Graph graph) throws Exception {
        StreamExecutionEnvironment env = environment(JobConfig.defaults().with(JobConfig.OUT_OF_ORDERNESS, "PT0S"));
        DataGeneratorSource<String> source =
                new DataGeneratorSource<>(new HistoricEvents(events), events, Types.STRING);
        DataStream<TelemetryRecord> telemetry =
                env.fromSource(source, org.apache.flink.api.common.eventtime.WatermarkStrategy.noWatermarks(), "generated-telemetry")
                        .map(Parsers::telemetry, RecordTypes.TELEMETRY_RECORD)
                        .assignTimestampsAndWatermarks(Watermarks.telemetry(0, 0));
        graph.wire(env, telemetry);
        ALERTS.set(0);
        LATE.set(0);
        long cpuBefore = processCpuNanos();
        JobExecutionResult r = env.execute("alert-benchmark-throughput");
        double cpuSeconds = (processCpuNanos() - cpuBefore) / 1e9;
        long ms = r.getNetRuntime();
        double perCore = events * 1000.0 / ms / PARALLELISM;
        // The build machine is shared: CPU time actually consumed is the contention-proof measure.
        double perCpuSecond = events / cpuSeconds;
        System.out.printf(
                "throughput, %s: %,d events in %.1f s -> %,.0f events/s/core (wall clock), %,.0f events per CPU second"
                        + " (all threads: generation, job, GC, JIT); %,d alerts, %,d late events%n",
                name, events, ms / 1000.0, perCore, perCpuSecond, ALERTS.get(), LATE.get());
        return new Throughput(perCore, perCpuSecond, ALERTS.get());
    }

    /** Event i of a replay: every entity reports once per 30 s of event time; splits advance together. */
    static final class HistoricEvents implements GeneratorFunction<Long, String> {
        private static final long serialVersionUID = 1L;
        private final long perSplit;
        private transient IsoFormatter iso;

        HistoricEvents(long total) {
            this.perSplit = total / PARALLELISM;
        }

        @Override
        public String map(Long index) {
            if (iso == null) {
                iso = new IsoFormatter();
            }
            long split = index / perSplit;
            long g = (index % perSplit) * PARALLELISM + split;
            int entity = (int) (g % ENTITIES);
            long round = g / ENTITIES;
            long ts = T0 + round * 30_000 + entity * 3L;
            double latency = 100 + (entity * 7 + round * 13) % 200;
            return event(iso, ts, entity, latency, round);
        }
    }

    // ------------------------------------------------------------------ latency

    static void latency(double rate, int seconds) throws Exception {
        List<Monitor> monitors = new ArrayList<>();
        Aggregation[] aggs = {Aggregation.AVG, Aggregation.MAX, Aggregation.P95, Aggregation.MIN};
        for (int i = 0; i < MONITORS; i++) {
            Monitor m = monitor("l" + i, "networkLatencyMs", aggs[i % 4], 1_000, 1_000);
            m.condition = Condition.threshold(Operator.GT, 300);
            m.forMs = 3_000;
            monitors.add(m);
        }
        JobConfig cfg =
                JobConfig.defaults()
                        .with(JobConfig.OUT_OF_ORDERNESS, "PT0S")
                        .with(JobConfig.WATERMARK_INTERVAL, "PT0.1S");
        StreamExecutionEnvironment env = environment(cfg);
        long count = (long) (rate * seconds);
        DataGeneratorSource<String> source =
                new DataGeneratorSource<>(new LiveEvents(), count, RateLimiterStrategy.perSecond(rate), Types.STRING);
        DataStream<TelemetryRecord> telemetry =
                env.fromSource(source, org.apache.flink.api.common.eventtime.WatermarkStrategy.noWatermarks(), "generated-telemetry")
                        .map(Parsers::telemetry, RecordTypes.TELEMETRY_RECORD)
                        .assignTimestampsAndWatermarks(Watermarks.telemetry(0, 0));
        wire(env, telemetry, monitors, new LatencySink());
        LATENCIES.clear();
        LATE.set(0);
        long start = System.currentTimeMillis();
        JobExecutionResult r = env.execute("alert-benchmark-latency");
        long end = System.currentTimeMillis();
        System.out.printf("latency run: %,d events in %.1f s (%,.0f events/s achieved), %,d late events%n",
                count, r.getNetRuntime() / 1000.0, count * 1000.0 / r.getNetRuntime(), LATE.get());
        // Steady state only: skip the first 10 s (start-up, JIT) and the end-of-input flush.
        List<Long> l = new ArrayList<>();
        long lastEnd = LATENCIES.stream().mapToLong(x -> x[0]).max().orElse(end);
        for (long[] x : LATENCIES) {
            if (x[0] >= start + 10_000 && x[0] <= lastEnd - 3_000) {
                l.add(x[1]);
            }
        }
        l.sort(Long::compare);
        if (l.isEmpty()) {
            System.out.println("latency: no alerts in the steady-state period");
            return;
        }
        System.out.printf(
                "latency at %,.0f events/s (half of max) for %d s: %,d alerts; beyond the for period: p50 %d ms, p99 %d ms, max %d ms%n",
                rate, seconds, l.size(), pct(l, 0.50), pct(l, 0.99), l.get(l.size() - 1));
        System.out.printf("  (out-of-orderness 0, watermark interval %s, default network buffer timeout)%n",
                cfg.get(JobConfig.WATERMARK_INTERVAL));
    }

    /** Event time = now; each pool breaches for 10 s, then is clear for 10 s. */
    static final class LiveEvents implements GeneratorFunction<Long, String> {
        private static final long serialVersionUID = 1L;
        private transient IsoFormatter iso;

        @Override
        public String map(Long index) {
            if (iso == null) {
                iso = new IsoFormatter();
            }
            long ts = System.currentTimeMillis();
            int entity = (int) (index % ENTITIES);
            int pool = entity % POOLS;
            boolean high = ((ts / 10_000) + pool) % 2 == 0;
            return event(iso, ts, entity, high ? 400 : 100, index);
        }
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static long pct(List<Long> sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    // ------------------------------------------------------------------ shared

    static Monitor monitor(String id, String metric, Aggregation agg, long size, long slide) {
        Monitor m = new Monitor();
        m.id = id;
        m.source = "vdi";
        m.metric = metric;
        m.aggregation = agg;
        m.groupBy = new ArrayList<>(List.of("desktopPool"));
        m.windowSizeMs = size;
        m.windowSlideMs = slide;
        m.severity = "warning";
        return m;
    }

    /** Formats yyyy-MM-ddTHH:mm:ss.SSSZ with the date part cached (the generator runs per event). */
    static final class IsoFormatter {
        private long day = Long.MIN_VALUE;
        private String prefix;

        void append(StringBuilder sb, long ts) {
            long d = Math.floorDiv(ts, 86_400_000L);
            if (d != day) {
                day = d;
                prefix = java.time.LocalDate.ofEpochDay(d) + "T";
            }
            int ms = (int) Math.floorMod(ts, 86_400_000L);
            sb.append(prefix);
            two(sb, ms / 3_600_000).append(':');
            two(sb, ms / 60_000 % 60).append(':');
            two(sb, ms / 1000 % 60).append('.');
            int milli = ms % 1000;
            sb.append((char) ('0' + milli / 100)).append((char) ('0' + milli / 10 % 10)).append((char) ('0' + milli % 10)).append('Z');
        }

        private static StringBuilder two(StringBuilder sb, int v) {
            return sb.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
        }
    }

    static String event(IsoFormatter iso, long ts, int entity, double latency, long salt) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"source\":\"vdi\",\"timestamp\":\"");
        iso.append(sb, ts);
        sb
                .append("\",\"entity\":\"desktop-").append(entity)
                .append("\",\"dimensions\":{\"desktopPool\":\"pool-").append(entity % POOLS)
                .append("\",\"clientLocation\":\"site-").append(entity % 7)
                .append("\"},\"metrics\":{\"networkLatencyMs\":").append(latency)
                .append(",\"cpuQueueLength\":").append((entity + salt) % 8)
                .append(",\"memoryUsedPct\":").append(40 + (entity + salt) % 60)
                .append(",\"frameRate\":").append(20 + (entity * 3 + salt) % 40)
                .append("}}");
        return sb.toString();
    }

    static StreamExecutionEnvironment environment(JobConfig cfg) {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, "0");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(PARALLELISM, conf);
        JobEnv.configure(env, cfg);
        return env;
    }

    static void wire(StreamExecutionEnvironment env, DataStream<TelemetryRecord> telemetry, List<Monitor> monitors, Sink<Alert> sink)
            throws Exception {
        Path dir = Files.createTempDirectory("alert-bench");
        Path monitorLines = dir.resolve("monitors.jsonl");
        Path baselines = dir.resolve("baselines.jsonl");
        StringBuilder sb = new StringBuilder();
        for (Monitor m : monitors) {
            sb.append(MonitorCodec.toJson(m)).append('\n');
        }
        Files.writeString(monitorLines, sb.toString(), StandardCharsets.UTF_8);
        Files.writeString(baselines, "", StandardCharsets.UTF_8);
        AlertJob.Outputs out =
                AlertJob.build(
                        telemetry,
                        FileInputs.table(env, monitorLines, "monitors"),
                        FileInputs.table(env, baselines, "baselines"),
                        0,
                        true);
        out.alerts.sinkTo(sink).name("alerts");
        out.lateEvents.sinkTo(new CountingLateSink()).name("late-events");
    }

    static final class CountingSink implements Sink<Alert> {
        private static final long serialVersionUID = 1L;

        @Override
        public SinkWriter<Alert> createWriter(WriterInitContext context) {
            return new SinkWriter<Alert>() {
                @Override
                public void write(Alert a, Context ctx) {
                    ALERTS.incrementAndGet();
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }

    static final class CountingLateSink implements Sink<alerting.contract.LateEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public SinkWriter<alerting.contract.LateEvent> createWriter(WriterInitContext context) {
            return new SinkWriter<alerting.contract.LateEvent>() {
                @Override
                public void write(alerting.contract.LateEvent e, Context ctx) {
                    LATE.addAndGet(e.events);
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }

    static final class LatencySink implements Sink<Alert> {
        private static final long serialVersionUID = 1L;

        @Override
        public SinkWriter<Alert> createWriter(WriterInitContext context) {
            return new SinkWriter<Alert>() {
                @Override
                public void write(Alert a, Context ctx) {
                    LATENCIES.add(new long[] {a.windowEnd, System.currentTimeMillis() - a.windowEnd});
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }

}
