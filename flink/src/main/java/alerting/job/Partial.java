package alerting.job;

import alerting.contract.GroupKeys;
import alerting.contract.Monitor;
import alerting.core.Accumulator;

import java.util.Map;
import java.util.TreeMap;

/**
 * Pre-aggregate of one monitor, group and pane, emitted by the fan-out operator once the
 * watermark has closed the pane. Carries the monitor version that produced it so the keyed side
 * can size windows even before the broadcast copy of a brand new monitor reaches it.
 */
public class Partial {
    public String monitorId;
    public String groupKey;
    public Map<String, String> group = new TreeMap<>();
    public long paneStart;
    public long paneEnd;
    public Accumulator acc;
    public Monitor monitor;

    public Partial() {}

    public Partial(
            Monitor monitor,
            String groupKey,
            Map<String, String> group,
            long paneStart,
            Accumulator acc) {
        this.monitorId = monitor.id;
        this.monitor = monitor;
        this.groupKey = groupKey;
        this.group = group;
        this.paneStart = paneStart;
        this.paneEnd = paneStart + monitor.paneMs();
        this.acc = acc;
    }

    public String key() {
        return GroupKeys.evaluatorKey(monitorId, groupKey);
    }

    @Override
    public String toString() {
        return "Partial{" + key() + " [" + paneStart + "," + paneEnd + ") " + acc + "}";
    }
}
