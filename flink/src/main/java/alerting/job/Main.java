package alerting.job;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
        JobConfig cfg = JobConfig.load(runtimeProperties(), args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnv.configure(env, cfg, true);
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
        LOG.info("Starting the {} job with {}", job, cfg.asMap());
        env.execute("alerting-" + job);
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
