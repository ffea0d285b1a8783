package alerting.job.wiring;

import alerting.contract.ContractException;
import alerting.contract.Json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Job settings. On Managed Flink they come from the runtime property group {@value #GROUP};
 * locally from {@code --config file.properties} and {@code --key value} arguments, which
 * override the file. Every key has a default except {@code kafka.bootstrap.servers}. An unknown
 * key is an error, so a misspelt setting cannot fall back to its default unnoticed.
 */
public final class JobConfig {
    /** Property group read on Managed Flink. */
    public static final String GROUP = "alerting";

    public static final String JOB = "job";
    public static final String BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    public static final String MSK_IAM = "kafka.msk-iam";
    /** Prefix for raw Kafka client properties, e.g. {@code kafka.client.request.timeout.ms}. */
    public static final String KAFKA_CLIENT_PREFIX = "kafka.client.";
    public static final String GROUP_ID = "kafka.group-id";
    public static final String TOPIC_TELEMETRY = "topic.telemetry";
    public static final String TOPIC_MONITORS = "topic.monitors";
    public static final String TOPIC_BASELINES = "topic.baselines";
    public static final String TOPIC_ALERTS = "topic.alerts";
    public static final String TOPIC_DEAD_LETTERS = "topic.dead-letters";
    public static final String TOPIC_LATE_EVENTS = "topic.late-events";
    public static final String TELEMETRY_START = "telemetry.starting-offsets";
    public static final String OUT_OF_ORDERNESS = "watermark.out-of-orderness";
    public static final String IDLENESS = "watermark.idleness";
    public static final String WATERMARK_INTERVAL = "watermark.interval";
    public static final String ALLOWED_LATENESS = "allowed-lateness";
    public static final String BASELINE_HISTORY = "baseline.history";
    public static final String BASELINE_MAX_SAMPLES = "baseline.max-samples-per-bucket";
    /** Self-managed runs only; on Managed Flink the application's CheckpointConfiguration applies. */
    public static final String CHECKPOINT_INTERVAL = "checkpoint.interval";

    static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(JOB, "alert");
        d.put(MSK_IAM, "false");
        d.put(TOPIC_TELEMETRY, "telemetry");
        d.put(TOPIC_MONITORS, "monitors");
        d.put(TOPIC_BASELINES, "baselines");
        d.put(TOPIC_ALERTS, "alerts");
        d.put(TOPIC_DEAD_LETTERS, "alerting-dead-letters");
        d.put(TOPIC_LATE_EVENTS, "alerting-late-events");
        d.put(TELEMETRY_START, "committed-or-latest");
        d.put(OUT_OF_ORDERNESS, "PT5S");
        d.put(IDLENESS, "PT1M");
        d.put(WATERMARK_INTERVAL, "PT0.2S");
        d.put(ALLOWED_LATENESS, "PT0S");
        d.put(BASELINE_HISTORY, "P28D");
        d.put(BASELINE_MAX_SAMPLES, "1000");
        d.put(CHECKPOINT_INTERVAL, "PT1M");
        DEFAULTS = Collections.unmodifiableMap(d);
    }

    /**
     * The committed list of keys ({@value #KEYS_RESOURCE}); the deployment config is validated
     * against the same file at synth, so a misspelt key fails there rather than at job start.
     */
    static final String KEYS_RESOURCE = "alerting-job-properties.json";

    /** Every key without a {@code kafka.client.} prefix that {@link #load} accepts. */
    public static final Set<String> KEYS;
    /** Prefixes of keys passed on as they are ({@value #KAFKA_CLIENT_PREFIX}). */
    public static final Set<String> PREFIXES;
    /** Keys that Main refuses on Managed Flink, where the application's configuration owns them. */
    public static final Set<String> NOT_ON_MANAGED_FLINK;

    static {
        JsonNode list;
        try (InputStream in = JobConfig.class.getClassLoader().getResourceAsStream(KEYS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(KEYS_RESOURCE + ": missing from the jar");
            }
            list = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(KEYS_RESOURCE + ": " + e.getMessage(), e);
        }
        if (!GROUP.equals(list.path("group").asText())) {
            throw new IllegalStateException(KEYS_RESOURCE + ": expected group \"" + GROUP + "\"");
        }
        KEYS = strings(list, "keys");
        PREFIXES = strings(list, "prefixes");
        NOT_ON_MANAGED_FLINK = strings(list, "notOnManagedFlink");
        // A default for a key the list lacks could never be overridden: the list is incomplete.
        Set<String> read = new TreeSet<>(DEFAULTS.keySet());
        read.add(BOOTSTRAP_SERVERS);
        read.add(GROUP_ID);
        if (!KEYS.containsAll(read) || !KEYS.containsAll(NOT_ON_MANAGED_FLINK)) {
            throw new IllegalStateException(KEYS_RESOURCE + ": expected every key the job reads, " + read);
        }
    }

    private static Set<String> strings(JsonNode list, String field) {
        Set<String> out = new TreeSet<>();
        list.path(field).forEach(n -> out.add(n.asText()));
        return Collections.unmodifiableSet(out);
    }

    private final Map<String, String> values;

    private JobConfig(Map<String, String> values) {
        this.values = values;
    }

    public static JobConfig defaults() {
        return new JobConfig(new TreeMap<>(DEFAULTS));
    }

    /**
     * @param propertyGroups Managed Flink runtime properties (may be empty when run locally)
     * @param args {@code --config file.properties} and {@code --key value} pairs
     */
    public static JobConfig load(Map<String, Properties> propertyGroups, String[] args)
            throws IOException {
        Map<String, String> v = new TreeMap<>(DEFAULTS);
        Properties group = propertyGroups.get(GROUP);
        if (group != null) {
            String source = "property group \"" + GROUP + "\"";
            group.stringPropertyNames().forEach(k -> v.put(known(k, source), group.getProperty(k).trim()));
        }
        Map<String, String> fromArgs = parseArgs(args);
        String file = fromArgs.remove("config");
        if (file != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
                p.load(r);
            }
            p.stringPropertyNames().forEach(k -> v.put(known(k, "file " + file), p.getProperty(k).trim()));
        }
        fromArgs.forEach((k, value) -> v.put(known(k, "the arguments"), value));
        return new JobConfig(v);
    }

    private static String known(String key, String source) {
        boolean prefixed = PREFIXES.stream().anyMatch(p -> key.startsWith(p) && key.length() > p.length());
        if (!KEYS.contains(key) && !prefixed) {
            throw new IllegalArgumentException(
                    GROUP + "." + key + ": unknown setting (in " + source + "); known: " + String.join(", ", KEYS)
                            + ", " + String.join("*, ", PREFIXES) + "*");
        }
        return key;
    }

    static Map<String, String> parseArgs(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() == 2) {
                throw new IllegalArgumentException("unexpected argument \"" + a + "\"; expected --key value");
            }
            String key = a.substring(2);
            int eq = key.indexOf('=');
            if (eq > 0) {
                out.put(key.substring(0, eq), key.substring(eq + 1));
            } else if (i + 1 < args.length) {
                out.put(key, args[++i]);
            } else {
                throw new IllegalArgumentException("--" + key + ": missing value");
            }
        }
        return out;
    }

    public JobConfig with(String key, String value) {
        Map<String, String> v = new TreeMap<>(values);
        v.put(key, value);
        return new JobConfig(v);
    }

    public String get(String key) {
        return values.get(key);
    }

    public String required(String key) {
        String v = values.get(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException(
                    GROUP + "." + key + ": required (property group \"" + GROUP + "\" or --" + key + ")");
        }
        return v;
    }

    public long durationMs(String key) {
        try {
            return Json.parseDuration(required(key), GROUP + "." + key);
        } catch (ContractException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    public int positiveInt(String key) {
        String v = required(key);
        try {
            int i = Integer.parseInt(v);
            if (i > 0) {
                return i;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(GROUP + "." + key + ": expected a positive integer, got \"" + v + "\"");
    }

    public boolean bool(String key) {
        String v = required(key);
        if ("true".equalsIgnoreCase(v) || "false".equalsIgnoreCase(v)) {
            return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException(GROUP + "." + key + ": expected true or false, got \"" + v + "\"");
    }

    public Map<String, String> asMap() {
        return Collections.unmodifiableMap(values);
    }

    /** Kafka client properties: bootstrap servers, MSK IAM (SASL) when enabled, raw overrides. */
    public Properties kafkaProperties() {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", required(BOOTSTRAP_SERVERS));
        if (bool(MSK_IAM)) {
            p.setProperty("security.protocol", "SASL_SSL");
            p.setProperty("sasl.mechanism", "AWS_MSK_IAM");
            p.setProperty("sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required;");
            p.setProperty(
                    "sasl.client.callback.handler.class",
                    "software.amazon.msk.auth.iam.IAMClientCallbackHandler");
        }
        values.forEach(
                (k, v) -> {
                    if (k.startsWith(KAFKA_CLIENT_PREFIX)) {
                        p.setProperty(k.substring(KAFKA_CLIENT_PREFIX.length()), v);
                    }
                });
        return p;
    }

    public String groupId() {
        String g = values.get(GROUP_ID);
        return g != null && !g.isEmpty() ? g : "alerting-" + required(JOB) + "-job";
    }
}
