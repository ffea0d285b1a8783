package alerting.contract;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** Alert contract v1: a state change of one monitor for one group. */
public class Alert {
    public static final String TRIGGERED = "TRIGGERED";
    public static final String RECOVERED = "RECOVERED";

    public String alertId;
    public String monitorId;
    public Map<String, String> group = new TreeMap<>();
    public String status;
    /** Aggregate of the window; null when the window had no data (a silent group recovers). */
    public Double value;
    /** Threshold the value was compared with (static, fallback or baseline-derived). */
    public Double threshold;
    public long windowStart;
    public long windowEnd;
    public String severity;

    public Alert() {}

    public Alert(
            String monitorId,
            Map<String, String> group,
            String status,
            Double value,
            Double threshold,
            long windowStart,
            long windowEnd,
            String severity) {
        this.monitorId = monitorId;
        this.group = new TreeMap<>(group);
        this.alertId = GroupKeys.alertId(monitorId, this.group);
        this.status = status;
        this.value = value;
        this.threshold = threshold;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.severity = severity;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Alert)) {
            return false;
        }
        Alert a = (Alert) o;
        return windowStart == a.windowStart
                && windowEnd == a.windowEnd
                && Objects.equals(alertId, a.alertId)
                && Objects.equals(monitorId, a.monitorId)
                && Objects.equals(group, a.group)
                && Objects.equals(status, a.status)
                && Objects.equals(value, a.value)
                && Objects.equals(threshold, a.threshold)
                && Objects.equals(severity, a.severity);
    }

    @Override
    public int hashCode() {
        return Objects.hash(alertId, status, windowEnd);
    }

    @Override
    public String toString() {
        return AlertCodec.toJson(this);
    }
}
