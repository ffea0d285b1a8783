package alerting.local;

import alerting.contract.Alert;
import alerting.contract.AlertCodec;
import alerting.contract.Baseline;
import alerting.contract.BaselineCodec;
import alerting.contract.ContractException;
import alerting.contract.DeadLetterCodec;
import alerting.contract.LateEventCodec;
import alerting.contract.Monitor;
import alerting.contract.MonitorCodec;
import alerting.job.records.RawRecord;
import alerting.job.wiring.AlertJob;
import alerting.job.wiring.BaselineJob;
import alerting.job.wiring.JobConfig;
import alerting.job.wiring.JobEnv;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Runs the real alert job (and the baseline job first, when a monitor needs baselines) in Flink's
 * embedded MiniCluster over local files, in event time, and writes the alerts in windowEnd order.
 */
public final class LocalRunner {
    static final String USAGE =
            String.join(
                    "\n",
                    "Usage: alerting-local --monitors <monitors.json> --telemetry <telemetry.jsonl> --out <alerts.jsonl> [options]",
                    "",
                    "Runs the Flink alert job (and the baseline job when a monitor has a baseline condition)",
                    "in an embedded MiniCluster over the files, in event time, and writes one alert JSON per",
                    "line ordered by windowEnd. At the end of the telemetry the watermark goes to +infinity,",
                    "so the last windows holding data are evaluated (windows after the last event are not).",
                    "",
                    "Required:",
                    "  --monitors <file>       JSON array of monitors (contract v1), or {\"monitors\": [...]}",
                    "  --telemetry <file>      telemetry records (contract v1), one JSON object per line",
                    "  --out <file>            where to write the alerts (one JSON object per line)",
                    "",
                    "Options:",
                    "  --dead-letters <file>   write rejected records there (default: count only)",
                    "  --late-events <file>    write late telemetry there (default: count only)",
                    "  --baselines-out <file>  write the final baselines there (baseline monitors only)",
                    "  --parallelism <n>       MiniCluster parallelism (default 2)",
                    "  --config <file>         job properties file (watermark.*, allowed-lateness, baseline.*)",
                    "  --<job key> <value>     any job property, e.g. --watermark.out-of-orderness PT10S",
                    "  --help                  print this help",
                    "",
                    "Exit codes: 0 ok, 2 bad arguments or input files, 1 job failure.");

    private static final Set<String> JOB_KEYS =
            Set.of(
                    JobConfig.OUT_OF_ORDERNESS,
                    JobConfig.ALLOWED_LATENESS,
                    JobConfig.BASELINE_HISTORY,
                    JobConfig.BASELINE_MAX_SAMPLES,
                    JobConfig.IDLENESS,
                    JobConfig.WATERMARK_INTERVAL);

    private LocalRunner() {}

    /** What a run produced. */
    public static final class Result {
        public final List<Alert> alerts;
        public final List<String> deadLetters;
        public final List<String> lateEvents;
        public final List<Baseline> baselines;

        Result(List<Alert> alerts, List<String> deadLetters, List<String> lateEvents, List<Baseline> baselines) {
            this.alerts = alerts;
            this.deadLetters = deadLetters;
            this.lateEvents = lateEvents;
            this.baselines = baselines;
        }
    }

    /** Bad input: printed without a stack trace, exit code 2. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "classpath:alerting-local-log4j2.properties");
        }
        System.exit(run(args, System.out, System.err));
    }

    /** Runs with command-line arguments; returns the process exit code. */
    public static int run(String[] args, PrintStream stdout, PrintStream stderr) {
        Map<String, String> opts;
        try {
            opts = parse(args);
        } catch (UsageException e) {
            stderr.println("error: " + e.getMessage());
            stderr.println();
            stderr.println(USAGE);
            return 2;
        }
        if (opts.containsKey("help")) {
            stdout.println(USAGE);
            return 0;
        }
        try {
            Result r = run(opts);
            java.nio.file.Path out = java.nio.file.Path.of(opts.get("out"));
            writeLines(out, r.alerts.stream().map(AlertCodec::toJson).toList());
            stderr.printf(
                    "alerting-local: %d alert(s) written to %s; %d dead letter(s), %d late event(s)%n",
                    r.alerts.size(), out, r.deadLetters.size(), r.lateEvents.size());
            return 0;
        } catch (UsageException e) {
            stderr.println("error: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            stderr.println("error: the job failed: " + rootMessage(e));
            e.printStackTrace(stderr);
            return 1;
        }
    }

    static Map<String, String> parse(String[] args) throws UsageException {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                opts.put("help", "");
                return opts;
            }
            if (!a.startsWith("--") || a.length() == 2) {
                throw new UsageException("unexpected argument \"" + a + "\"");
            }
            if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                throw new UsageException(a + ": missing value");
            }
            opts.put(a.substring(2), args[++i]);
        }
        for (String required : List.of("monitors", "telemetry", "out")) {
            if (!opts.containsKey(required)) {
                throw new UsageException("--" + required + " is required");
            }
        }
        for (String k : opts.keySet()) {
            if (!Set.of("monitors", "telemetry", "out", "dead-letters", "late-events", "baselines-out", "parallelism", "config").contains(k)
                    && !JOB_KEYS.contains(k)) {
                throw new UsageException("unknown option --" + k);
            }
        }
        return opts;
    }

    /** Runs with parsed options (also the entry point of the scenario tests). */
    public static Result run(Map<String, String> opts) throws Exception {
        java.nio.file.Path monitorsFile = readableFile(opts.get("monitors"), "--monitors");
        java.nio.file.Path telemetryFile = readableFile(opts.get("telemetry"), "--telemetry");
        List<Monitor> monitors;
        try {
            monitors = MonitorCodec.parseList(Files.readString(monitorsFile, StandardCharsets.UTF_8));
        } catch (ContractException e) {
            throw new UsageException(monitorsFile + ": " + e.getMessage());
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UsageException("--monitors: expected UTF-8 JSON text, got " + monitorsFile + " with bytes that are not UTF-8");
        }
        JobConfig cfg = jobConfig(opts);
        int parallelism = parallelism(opts.get("parallelism"));

        java.nio.file.Path work = Files.createTempDirectory("alerting-local");
        try {
            java.nio.file.Path monitorLines = work.resolve("monitors.jsonl");
            writeLines(monitorLines, monitors.stream().map(MonitorCodec::toJson).toList());

            List<Baseline> baselines = new ArrayList<>();
            java.nio.file.Path baselineLines = work.resolve("baselines.jsonl");
            if (monitors.stream().anyMatch(m -> m.enabled && m.isBaseline())) {
                baselines = runBaselineJob(cfg, parallelism, telemetryFile, monitorLines, work);
            }
            writeLines(baselineLines, baselines.stream().map(BaselineCodec::toJson).toList());
            if (opts.containsKey("baselines-out")) {
                writeLines(java.nio.file.Path.of(opts.get("baselines-out")), baselines.stream().map(BaselineCodec::toJson).toList());
            }

            java.nio.file.Path alerts = work.resolve("alerts.jsonl");
            java.nio.file.Path deadLetters = work.resolve("dead-letters.jsonl");
            java.nio.file.Path lateEvents = work.resolve("late-events.jsonl");
            StreamExecutionEnvironment env = environment(cfg, parallelism);
            DataStream<RawRecord> baselineTable = FileInputs.table(env, baselineLines, "baselines");
            // The monitor preload also waits for the baseline file to end (the filter passes
            // nothing, only its end of input): a file source is idle until it gets its split, and
            // an idle baseline input would let windows be decided before their baselines arrive.
            DataStream<RawRecord> monitorTable =
                    FileInputs.table(env, monitorLines, "monitors")
                            .union(baselineTable.filter(r -> false).setParallelism(1).name("baselines-loaded"));
            AlertJob.Outputs out =
                    AlertJob.build(
                            FileInputs.telemetry(env, cfg.durationMs(JobConfig.OUT_OF_ORDERNESS), telemetryFile),
                            monitorTable,
                            baselineTable,
                            cfg.durationMs(JobConfig.ALLOWED_LATENESS),
                            true);
            out.alerts.sinkTo(new LineFileSink<>(alerts, AlertCodec::toJson)).setParallelism(1).name("alerts-file");
            out.deadLetters.sinkTo(new LineFileSink<>(deadLetters, DeadLetterCodec::toJson)).setParallelism(1).name("dead-letters-file");
            out.lateEvents.sinkTo(new LineFileSink<>(lateEvents, LateEventCodec::toJson)).setParallelism(1).name("late-events-file");
            env.execute("alerting-local-alert-job");

            List<Alert> sorted = new ArrayList<>();
            for (String line : readLines(alerts)) {
                sorted.add(AlertCodec.parse(line));
            }
            sorted.sort(
                    Comparator.comparingLong((Alert a) -> a.windowEnd)
                            .thenComparing(a -> a.monitorId)
                            .thenComparing(a -> a.alertId)
                            .thenComparing(a -> a.status));
            List<String> dead = readLines(deadLetters);
            List<String> late = readLines(lateEvents);
            if (opts.containsKey("dead-letters")) {
                writeLines(java.nio.file.Path.of(opts.get("dead-letters")), dead);
            }
            if (opts.containsKey("late-events")) {
                writeLines(java.nio.file.Path.of(opts.get("late-events")), late);
            }
            return new Result(sorted, dead, late, baselines);
        } finally {
            deleteRecursively(work);
        }
    }

    /** Baseline job over the whole file; keeps the last record per key, as a compacted topic would. */
    private static List<Baseline> runBaselineJob(
            JobConfig cfg, int parallelism, java.nio.file.Path telemetryFile, java.nio.file.Path monitorLines, java.nio.file.Path work)
            throws Exception {
        java.nio.file.Path raw = work.resolve("baseline-updates.jsonl");
        StreamExecutionEnvironment env = environment(cfg, parallelism);
        BaselineJob.build(
                        FileInputs.telemetry(env, cfg.durationMs(JobConfig.OUT_OF_ORDERNESS), telemetryFile),
                        FileInputs.table(env, monitorLines, "monitors"),
                        cfg.durationMs(JobConfig.ALLOWED_LATENESS),
                        cfg.durationMs(JobConfig.BASELINE_HISTORY),
                        cfg.positiveInt(JobConfig.BASELINE_MAX_SAMPLES),
                        true)
                .sinkTo(new LineFileSink<>(raw, BaselineCodec::toJson))
                .setParallelism(1)
                .name("baselines-file");
        env.execute("alerting-local-baseline-job");
        Map<String, Baseline> latest = new LinkedHashMap<>();
        for (String line : readLines(raw)) {
            Baseline b = BaselineCodec.parse(line);
            latest.put(b.key(), b);
        }
        List<Baseline> out = new ArrayList<>(latest.values());
        out.sort(Comparator.comparing(Baseline::key));
        return out;
    }

    private static StreamExecutionEnvironment environment(JobConfig cfg, int parallelism) {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        conf.set(RestOptions.BIND_PORT, "0");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        JobEnv.configure(env, cfg);
        return env;
    }

    private static JobConfig jobConfig(Map<String, String> opts) throws IOException, UsageException {
        List<String> args = new ArrayList<>();
        if (opts.containsKey("config")) {
            readableFile(opts.get("config"), "--config");
            args.add("--config");
            args.add(opts.get("config"));
        }
        for (Map.Entry<String, String> e : opts.entrySet()) {
            if (JOB_KEYS.contains(e.getKey())) {
                args.add("--" + e.getKey());
                args.add(e.getValue());
            }
        }
        // Local files have no idle partitions; deterministic per-event watermarks need no idleness.
        args.add("--" + JobConfig.IDLENESS);
        args.add("PT0S");
        try {
            JobConfig cfg = JobConfig.load(Map.<String, Properties>of(), args.toArray(new String[0]));
            cfg.durationMs(JobConfig.OUT_OF_ORDERNESS);
            cfg.durationMs(JobConfig.ALLOWED_LATENESS);
            cfg.durationMs(JobConfig.BASELINE_HISTORY);
            cfg.durationMs(JobConfig.WATERMARK_INTERVAL);
            cfg.positiveInt(JobConfig.BASELINE_MAX_SAMPLES);
            return cfg;
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static int parallelism(String s) throws UsageException {
        if (s == null) {
            return 2;
        }
        try {
            int p = Integer.parseInt(s);
            if (p >= 1 && p <= 64) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--parallelism: expected an integer 1..64, got \"" + s + "\"");
    }

    private static java.nio.file.Path readableFile(String name, String option) throws UsageException {
        java.nio.file.Path p = java.nio.file.Path.of(name);
        if (!Files.isRegularFile(p)) {
            throw new UsageException(option + ": no such file: " + p.toAbsolutePath());
        }
        if (!Files.isReadable(p)) {
            throw new UsageException(option + ": cannot read " + p.toAbsolutePath());
        }
        return p;
    }

    private static List<String> readLines(java.nio.file.Path p) throws IOException {
        if (!Files.exists(p)) {
            return new ArrayList<>();
        }
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(p, StandardCharsets.UTF_8)) {
            if (!l.isBlank()) {
                out.add(l);
            }
        }
        return out;
    }

    static void writeLines(java.nio.file.Path p, List<String> lines) throws IOException {
        java.nio.file.Path parent = p.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l).append('\n');
        }
        Files.writeString(p, sb.toString(), StandardCharsets.UTF_8);
    }

    private static void deleteRecursively(java.nio.file.Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // temporary files only
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r.toString();
    }
}
