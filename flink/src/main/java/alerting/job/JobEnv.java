package alerting.job;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Execution settings shared by every way of running the jobs. */
public final class JobEnv {
    private JobEnv() {}

    public static void configure(StreamExecutionEnvironment env, JobConfig cfg, boolean checkpointing) {
        Configuration c = new Configuration();
        // Every record type is a POJO; fail fast instead of silently falling back to Kryo.
        c.set(PipelineOptions.GENERIC_TYPES, false);
        env.configure(c);
        // No operator keeps a reference to an input record, so chained operators may hand records
        // over without a defensive copy (network inputs always deserialize fresh objects).
        env.getConfig().enableObjectReuse();
        env.getConfig().setAutoWatermarkInterval(cfg.durationMs(JobConfig.WATERMARK_INTERVAL));
        if (checkpointing) {
            // Managed Flink applies its own checkpoint settings on top; this is for self-managed runs.
            env.enableCheckpointing(cfg.durationMs(JobConfig.CHECKPOINT_INTERVAL), CheckpointingMode.EXACTLY_ONCE);
        }
    }
}
