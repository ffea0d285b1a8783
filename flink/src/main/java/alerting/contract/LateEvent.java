package alerting.contract;

import java.util.Map;
import java.util.TreeMap;

/**
 * Data that arrived after the watermark had passed it by more than the allowed lateness; never
 * silently dropped. Two kinds: a single telemetry event rejected before aggregation ({@code
 * event}), or a whole pre-aggregated pane that reached the evaluator after its window had been
 * evaluated ({@code pane}; happens when an input resumes after being marked idle).
 */
public class LateEvent {
    public static final String EVENT = "event";
    public static final String PANE = "pane";

    public String kind;
    /** kind = event: the telemetry. */
    public Telemetry telemetry;
    /** kind = pane: which monitor, group and pane, and how many events it held. */
    public String monitorId;
    public Map<String, String> group;
    public long paneStart;
    public long paneEnd;
    public long events;
    /** Watermark of the operator when the data arrived (epoch ms). */
    public long watermark;
    public long allowedLatenessMs;

    public LateEvent() {}

    public LateEvent(Telemetry telemetry, long watermark, long allowedLatenessMs) {
        this.kind = EVENT;
        this.telemetry = telemetry;
        this.events = 1;
        this.watermark = watermark;
        this.allowedLatenessMs = allowedLatenessMs;
    }

    public static LateEvent pane(
            String monitorId,
            Map<String, String> group,
            long paneStart,
            long paneEnd,
            long events,
            long watermark,
            long allowedLatenessMs) {
        LateEvent e = new LateEvent();
        e.kind = PANE;
        e.monitorId = monitorId;
        e.group = new TreeMap<>(group);
        e.paneStart = paneStart;
        e.paneEnd = paneEnd;
        e.events = events;
        e.watermark = watermark;
        e.allowedLatenessMs = allowedLatenessMs;
        return e;
    }

    /** Kafka key: the entity of a late event, the monitor of a late pane. */
    public String key() {
        return telemetry != null ? telemetry.entity : monitorId;
    }

    @Override
    public String toString() {
        return LateEventCodec.toJson(this);
    }
}
