package alerting.job.wiring;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Execution settings of the jobs. */
public final class JobEnv {
    private JobEnv() {}

    /**
     * Settings every way of running the jobs applies, Managed Flink included. Managed Flink refuses
     * job code that changes a configuration key outside its published programmatic allow-list
     * (checked by ManagedFlinkAllowListTest), so only {@code pipeline.*} keys of that list are set.
     */
    public static void configure(StreamExecutionEnvironment env, JobConfig cfg) {
        Configuration c = new Configuration();
        // Every record type is a POJO; fail fast instead of silently falling back to Kryo.
        c.set(PipelineOptions.GENERIC_TYPES, false);
        env.configure(c);
        // No operator keeps a reference to an input record, so chained operators may hand records
        // over without a defensive copy (network inputs always deserialize fresh objects).
        env.getConfig().enableObjectReuse();
        env.getConfig().setAutoWatermarkInterval(cfg.durationMs(JobConfig.WATERMARK_INTERVAL));
    }

    /**
     * Exactly-once checkpoints every {@code checkpoint.interval}, for self-managed runs only: on
     * Managed Flink the application's CheckpointConfiguration sets them and job code may not.
     */
    public static void enableCheckpointing(StreamExecutionEnvironment env, JobConfig cfg) {
        env.enableCheckpointing(cfg.durationMs(JobConfig.CHECKPOINT_INTERVAL), CheckpointingMode.EXACTLY_ONCE);
    }
}
