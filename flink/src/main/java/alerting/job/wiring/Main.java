package alerting.job.wiring;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;

/**
 * Entry point of the application jar. {@code job=alert} or {@code job=baseline} (property group
 * "alerting" on Managed Flink, or {@code --job}) selects the job, so one jar serves both
 * applications.
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] args) throws Exception {
        JobConfig cfg = managedConfig(runtimeProperties(), args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        String job = wire(env, cfg);
        LOG.info("Starting the {} job with {}", job, cfg.asMap());
        env.execute("alerting-" + job);
    }

    /**
     * The job's settings as Managed Flink gives them: the property group {@value JobConfig#GROUP}
     * only (another group is a misspelt one), without {@code checkpoint.interval}, which the
     * application's CheckpointConfiguration owns there.
     */
    static JobConfig managedConfig(Map<String, Properties> propertyGroups, String[] args) throws IOException {
        for (Map.Entry<String, Properties> group : propertyGroups.entrySet()) {
            if (!JobConfig.GROUP.equals(group.getKey())) {
                throw new IllegalArgumentException(
                        "property group \"" + group.getKey() + "\": unknown; the job reads only \"" + JobConfig.GROUP + "\"");
            }
            if (group.getValue().containsKey(JobConfig.CHECKPOINT_INTERVAL)) {
                throw new IllegalArgumentException(
                        JobConfig.GROUP + "." + JobConfig.CHECKPOINT_INTERVAL
                                + ": not used on Managed Flink; the application's CheckpointConfiguration sets checkpoints");
            }
        }
        return JobConfig.load(propertyGroups, args);
    }

    /**
     * Configures {@code env} as on Managed Flink and wires the selected job into it; returns the
     * job's name. Nothing here may change configuration outside Managed Flink's programmatic
     * allow-list (ManagedFlinkAllowListTest), which is why checkpointing is not enabled here.
     */
    static String wire(StreamExecutionEnvironment env, JobConfig cfg) {
        JobEnv.configure(env, cfg);
        String job = cfg.required(JobConfig.JOB);
        switch (job) {
            case "alert":
                AlertJob.wireKafka(env, cfg);
                break;
            case "baseline":
                BaselineJob.wireKafka(env, cfg);
                break;
            default:
                throw new IllegalArgumentException(
                        JobConfig.GROUP + "." + JobConfig.JOB + ": expected alert or baseline, got \"" + job + "\"");
        }
        return job;
    }

    /** Managed Flink runtime properties; empty when not running on Managed Flink. */
    static Map<String, Properties> runtimeProperties() {
        try {
            return KinesisAnalyticsRuntime.getApplicationProperties();
        } catch (Exception | LinkageError e) {
            LOG.info("No Managed Flink runtime properties ({}); using arguments only", e.toString());
            return Collections.emptyMap();
        }
    }
}
