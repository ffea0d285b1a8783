package alerting.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Monitor contract v1, validated. Durations are held in milliseconds; on the wire they are
 * ISO-8601 ({@code "PT30S"}).
 */
public class Monitor {
    public String id;
    public String source;
    public String metric;
    public Aggregation aggregation;
    public List<String> groupBy = new ArrayList<>();
    public long windowSizeMs;
    public long windowSlideMs;
    public Condition condition;
    /** The condition must hold in every window ending within this period ({@code "for"}). */
    public long forMs;
    /** Clear windows needed to recover, as a period; 0 means the first clear window. */
    public long recoverAfterMs;
    public String severity;
    public boolean enabled = true;

    public Monitor() {}

    /** Stand-in kept in broadcast state for a deleted monitor, so late partials can be closed. */
    public static Monitor deleted(String id) {
        Monitor m = new Monitor();
        m.id = id;
        m.enabled = false;
        return m;
    }

    /** Panes are the largest slices that tile both the window size and the slide. */
    public long paneMs() {
        return gcd(windowSizeMs, windowSlideMs);
    }

    /** Number of consecutive breaching windows that make up the {@code for} period (at least 1). */
    public int windowsToTrigger() {
        return periodInWindows(forMs);
    }

    /** Number of consecutive clear windows that recover a triggered alert (at least 1). */
    public int windowsToRecover() {
        return periodInWindows(recoverAfterMs);
    }

    private int periodInWindows(long periodMs) {
        // Windows end every slide; those ending within (t - period, t] number ceil(period / slide).
        long n = (periodMs + windowSlideMs - 1) / windowSlideMs;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, n));
    }

    /**
     * Identity of everything that shapes the panes: if it changes, old panes cannot be mixed with
     * new ones. Kept in checkpointed state, so it must not depend on identity hash codes (an enum's
     * hashCode differs between JVMs): the aggregation enters by name.
     */
    public int windowingHash() {
        return Objects.hash(
                source,
                metric,
                aggregation == null ? null : aggregation.name(),
                groupBy,
                windowSizeMs,
                windowSlideMs);
    }

    public boolean isBaseline() {
        return condition != null && condition.type == Condition.Type.BASELINE;
    }

    static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Monitor)) {
            return false;
        }
        Monitor m = (Monitor) o;
        return windowSizeMs == m.windowSizeMs
                && windowSlideMs == m.windowSlideMs
                && forMs == m.forMs
                && recoverAfterMs == m.recoverAfterMs
                && enabled == m.enabled
                && Objects.equals(id, m.id)
                && Objects.equals(source, m.source)
                && Objects.equals(metric, m.metric)
                && aggregation == m.aggregation
                && Objects.equals(groupBy, m.groupBy)
                && Objects.equals(condition, m.condition)
                && Objects.equals(severity, m.severity);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, source, metric, aggregation, windowSizeMs, windowSlideMs);
    }

    @Override
    public String toString() {
        return MonitorCodec.toJson(this);
    }
}
