package alerting.job.wiring;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;

/**
 * Entry point of the application jar. {@code job=alert} or {@code job=baseline} selects the job, so
 * one jar serves both applications.
 *
 * <p>Where it runs is stated, not guessed: on Managed Flink (no arguments, which is how the service
 * starts the jar) the settings are the application's property group "alerting"; anywhere else the
 * first argument is {@value #SELF_MANAGED}, followed by {@code --key value} settings, and the
 * Managed Flink runtime is not consulted.
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    /** First argument of a run outside Managed Flink. */
    static final String SELF_MANAGED = "--self-managed";

    /** The application's runtime property groups, as Managed Flink hands them to the job. */
    interface PropertyGroups {
        Map<String, Properties> read() throws IOException;
    }

    private Main() {}

    public static void main(String[] args) throws Exception {
        // Managed Flink hands the application's runtime properties to the job through this call
        // (https://docs.aws.amazon.com/managed-flink/latest/java/how-properties.html). The library
        // reads them from a file and returns an empty map when the file is absent, so an empty
        // result is refused rather than taken to mean "not on Managed Flink".
        JobConfig cfg = config(args, KinesisAnalyticsRuntime::getApplicationProperties);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        String job = wire(env, cfg);
        LOG.info("Starting the {} job with {}", job, cfg.asMap());
        env.execute("alerting-" + job);
    }

    /**
     * The settings for {@code args}: {@value #SELF_MANAGED} first reads the remaining arguments;
     * no argument reads {@code managedFlink}. Errors reading the property groups stop the job.
     */
    static JobConfig config(String[] args, PropertyGroups managedFlink) throws IOException {
        if (args.length > 0 && SELF_MANAGED.equals(args[0])) {
            return JobConfig.load(Map.of(), Arrays.copyOfRange(args, 1, args.length));
        }
        if (args.length > 0) {
            throw new IllegalArgumentException(
                    "unexpected argument \"" + args[0] + "\": on Managed Flink the job takes no arguments;"
                            + " elsewhere start it with " + SELF_MANAGED + " --key value ...");
        }
        Map<String, Properties> groups = managedFlink.read();
        if (!groups.containsKey(JobConfig.GROUP)) {
            throw new IllegalArgumentException(
                    "property group \"" + JobConfig.GROUP + "\": missing from the Managed Flink runtime properties"
                            + " (outside Managed Flink, start with " + SELF_MANAGED + " --key value ...)");
        }
        return managedConfig(groups);
    }

    /**
     * The job's settings as Managed Flink gives them: the property group {@value JobConfig#GROUP}
     * only (another group is a misspelt one), without {@code checkpoint.interval}, which the
     * application's CheckpointConfiguration owns there.
     */
    private static JobConfig managedConfig(Map<String, Properties> propertyGroups) throws IOException {
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
        return JobConfig.load(propertyGroups, new String[0]);
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
}
