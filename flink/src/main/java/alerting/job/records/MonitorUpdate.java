package alerting.job.records;

import alerting.contract.Monitor;

/** A change of the monitor table: a new definition, or a deletion ({@code monitor == null}). */
public class MonitorUpdate {
    public String monitorId;
    public Monitor monitor;

    public MonitorUpdate() {}

    public static MonitorUpdate upsert(Monitor m) {
        MonitorUpdate u = new MonitorUpdate();
        u.monitorId = m.id;
        u.monitor = m;
        return u;
    }

    public static MonitorUpdate delete(String id) {
        MonitorUpdate u = new MonitorUpdate();
        u.monitorId = id;
        return u;
    }

    /** Disabled and deleted monitors both stop evaluation. */
    public boolean isActive() {
        return monitor != null && monitor.enabled;
    }
}
