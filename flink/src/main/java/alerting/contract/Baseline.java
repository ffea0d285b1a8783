package alerting.contract;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Baseline record (internal contract between the baseline job and the alert job, compacted
 * topic keyed by {@link #key()}): robust statistics of one monitor, group and hour-of-week
 * bucket.
 */
public class Baseline {
    public String monitorId;
    public Map<String, String> group = new TreeMap<>();
    /** 0 = Monday 00:00-01:00 UTC ... 167 = Sunday 23:00-24:00 UTC. */
    public int hourOfWeek;
    public double median;
    /** Median absolute deviation (unscaled). */
    public double mad;
    public int samples;
    /** End of the window whose value was the last sample (epoch ms). */
    public long updatedAt;

    public Baseline() {}

    public Baseline(
            String monitorId,
            Map<String, String> group,
            int hourOfWeek,
            double median,
            double mad,
            int samples,
            long updatedAt) {
        this.monitorId = monitorId;
        this.group = new TreeMap<>(group);
        this.hourOfWeek = hourOfWeek;
        this.median = median;
        this.mad = mad;
        this.samples = samples;
        this.updatedAt = updatedAt;
    }

    /** Evaluator key: monitor and canonical group. */
    public String evaluatorKey() {
        return GroupKeys.evaluatorKey(monitorId, GroupKeys.canonical(group));
    }

    /** Kafka key of the compacted baselines topic. */
    public String key() {
        return evaluatorKey() + "|" + hourOfWeek;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Baseline)) {
            return false;
        }
        Baseline b = (Baseline) o;
        return hourOfWeek == b.hourOfWeek
                && Double.compare(median, b.median) == 0
                && Double.compare(mad, b.mad) == 0
                && samples == b.samples
                && updatedAt == b.updatedAt
                && Objects.equals(monitorId, b.monitorId)
                && Objects.equals(group, b.group);
    }

    @Override
    public int hashCode() {
        return Objects.hash(monitorId, group, hourOfWeek);
    }

    @Override
    public String toString() {
        return BaselineCodec.toJson(this);
    }
}
