package alerting.job.operators;

import org.apache.flink.metrics.MetricGroup;

/** Custom metrics; Managed Flink forwards the "kinesisanalytics" group to CloudWatch. */
public final class Metrics {
    public static final String GROUP = "kinesisanalytics";
    public static final String LATE_EVENTS = "lateEvents";
    public static final String DEAD_LETTERS = "deadLetters";
    public static final String ALERTS_TRIGGERED = "alertsTriggered";
    public static final String ALERTS_RECOVERED = "alertsRecovered";
    public static final String BASELINES_PUBLISHED = "baselinesPublished";

    private Metrics() {}

    public static MetricGroup group(MetricGroup operatorGroup) {
        return operatorGroup.addGroup(GROUP);
    }
}
