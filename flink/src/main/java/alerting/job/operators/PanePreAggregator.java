package alerting.job.operators;

import alerting.contract.LateEvent;
import alerting.contract.Monitor;
import alerting.contract.Telemetry;
import alerting.core.Accumulator;
import alerting.core.Windows;
import alerting.job.records.MonitorUpdate;
import alerting.job.Partial;
import alerting.job.records.RecordTypes;

import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.InputSelectable;
import org.apache.flink.streaming.api.operators.InputSelection;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fan-out and local pre-aggregation: telemetry (input 1) meets the broadcast monitor table (input
 * 2); every event is folded into one pane per matching monitor and group, and a pane leaves the
 * operator as a single {@link Partial} once the watermark has closed it.
 *
 * <p>Why a custom operator rather than a BroadcastProcessFunction feeding Flink's window
 * operator: a monitor can be added or resized at run time, so window size and slide are data,
 * not graph structure; Flink's WindowOperator would also copy each event into size/slide
 * sliding windows after a shuffle of every event. Folding into panes before the shuffle sends a
 * few thousand partials per pane instead of every event times every monitor, and hooking the
 * watermark guarantees each pane is emitted before the watermark that evaluates its windows
 * travels downstream. A BroadcastProcessFunction has no watermark hook, hence the operator.
 *
 * <p>Lateness: an event is late when {@code timestamp + allowedLateness <= watermark}. Panes are
 * flushed at exactly that boundary, so an event is either in its pane or in the late-events side
 * output (with the {@code lateEvents} counter) - never silently dropped.
 */
public class PanePreAggregator extends AbstractStreamOperator<Partial>
        implements TwoInputStreamOperator<Telemetry, MonitorUpdate, Partial> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<LateEvent> LATE_EVENTS =
            new OutputTag<>("late-events", RecordTypes.LATE_EVENT);

    private final long allowedLatenessMs;
    private final boolean baselineMonitorsOnly;

    private transient BroadcastState<String, Monitor> monitors;
    private transient ListState<Partial> pendingState;
    private transient Map<String, Entry[]> bySource;
    private transient GroupResolver.GroupInfo[] groupCache;
    private transient long[] groupStamps;
    private transient long eventStamp;
    /** Open panes by the watermark that closes them. */
    private transient TreeMap<Long, Map<PaneKey, Pane>> pending;
    private transient GroupResolver groups;
    private transient long watermark;
    private transient Counter lateEvents;

    /**
     * @param allowedLatenessMs how far behind the watermark an event may still be counted
     * @param baselineMonitorsOnly the baseline job only aggregates monitors with a baseline
     *     condition
     */
    public PanePreAggregator(long allowedLatenessMs, boolean baselineMonitorsOnly) {
        this.allowedLatenessMs = allowedLatenessMs;
        this.baselineMonitorsOnly = baselineMonitorsOnly;
    }

    /**
     * For bounded local runs: the same operator, but it reads the monitor input to its end before
     * any telemetry, so the first events do not race the monitor table. (Flink does not
     * checkpoint operators that select inputs, hence a separate class for unbounded runs.)
     */
    public static PanePreAggregator preloadingMonitors(long allowedLatenessMs, boolean baselineMonitorsOnly) {
        return new Preloading(allowedLatenessMs, baselineMonitorsOnly);
    }

    static final class Preloading extends PanePreAggregator implements InputSelectable, BoundedMultiInput {
        private static final long serialVersionUID = 1L;
        private transient boolean monitorsEnded;

        Preloading(long allowedLatenessMs, boolean baselineMonitorsOnly) {
            super(allowedLatenessMs, baselineMonitorsOnly);
        }

        @Override
        public InputSelection nextSelection() {
            return monitorsEnded ? InputSelection.ALL : InputSelection.SECOND;
        }

        @Override
        public void endInput(int inputId) {
            if (inputId == 2) {
                monitorsEnded = true;
            }
        }
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        monitors = getOperatorStateBackend().getBroadcastState(RecordTypes.monitorsDescriptor());
        pendingState =
                getOperatorStateBackend()
                        .getListState(new ListStateDescriptor<>("pending-panes", RecordTypes.PARTIAL));
        pending = new TreeMap<>();
        groups = new GroupResolver();
        eventStamp = 0;
        watermark = Long.MIN_VALUE;
        for (Partial p : pendingState.get()) {
            addPane(p.monitor, p.groupKey, p.group, p.paneStart).acc.add(p.acc);
        }
        rebuildIndex();
    }

    @Override
    public void open() throws Exception {
        super.open();
        lateEvents = Metrics.group(getMetricGroup()).counter(Metrics.LATE_EVENTS);
    }

    @Override
    public void processElement1(StreamRecord<Telemetry> record) throws Exception {
        Telemetry t = record.getValue();
        if (Windows.isLate(t.timestamp, watermark, allowedLatenessMs)) {
            lateEvents.inc();
            output.collect(
                    LATE_EVENTS,
                    new StreamRecord<>(
                            new LateEvent(t, watermark, allowedLatenessMs), t.timestamp));
            return;
        }
        Entry[] candidates = bySource.get(t.source);
        if (candidates == null) {
            return;
        }
        // Monitors sharing a groupBy share the group lookup for this event.
        eventStamp++;
        for (Entry e : candidates) {
            Monitor m = e.monitor;
            Double v = t.metrics.get(m.metric);
            if (v == null) {
                continue;
            }
            GroupResolver.GroupInfo g;
            if (groupStamps[e.groupSpec] == eventStamp) {
                g = groupCache[e.groupSpec];
            } else {
                g = groups.resolve(m.groupBy, t.dimensions);
                groupCache[e.groupSpec] = g;
                groupStamps[e.groupSpec] = eventStamp;
            }
            if (g == null) {
                continue; // the event lacks a groupBy dimension: not in this monitor's scope
            }
            long paneStart = Windows.paneStart(t.timestamp, e.paneMs);
            long closeAt = Windows.evaluationTime(paneStart + e.paneMs, allowedLatenessMs);
            Map<PaneKey, Pane> panes;
            if (closeAt == e.lastCloseAt && e.lastPanes != null) {
                panes = e.lastPanes; // most events fall into the current pane
            } else {
                panes = pending.computeIfAbsent(closeAt, k -> new HashMap<>());
                e.lastCloseAt = closeAt;
                e.lastPanes = panes;
            }
            PaneKey key = new PaneKey(m.id, g.key, paneStart);
            Pane pane = panes.get(key);
            if (pane == null) {
                pane = new Pane(m, g.key, g.group, paneStart);
                panes.put(key, pane);
            } else if (pane.monitor != m) {
                if (pane.monitor.windowingHash() == m.windowingHash()) {
                    pane.monitor = m; // same pane layout: the newest definition travels on
                } else {
                    flushOne(pane); // resized mid-pane: keep the two layouts apart
                    pane = new Pane(m, g.key, g.group, paneStart);
                    panes.put(key, pane);
                }
            }
            pane.acc.add(v, e.keepValues);
        }
    }

    @Override
    public void processElement2(StreamRecord<MonitorUpdate> record) throws Exception {
        MonitorUpdate u = record.getValue();
        if (u.isActive() && (!baselineMonitorsOnly || u.monitor.isBaseline())) {
            monitors.put(u.monitorId, u.monitor);
        } else {
            monitors.remove(u.monitorId);
        }
        rebuildIndex();
    }

    /** Called with the combined watermark of both inputs. */
    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark = mark.getTimestamp();
        // Panes must leave before the watermark that lets downstream evaluate their windows.
        Iterator<Map.Entry<Long, Map<PaneKey, Pane>>> it =
                pending.headMap(watermark, true).entrySet().iterator();
        while (it.hasNext()) {
            for (Pane pane : it.next().getValue().values()) {
                flushOne(pane);
            }
            it.remove();
        }
        super.processWatermark(mark);
    }

    private void flushOne(Pane pane) {
        output.collect(new StreamRecord<>(pane.toPartial(), pane.paneStart + pane.monitor.paneMs() - 1));
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<Partial> open = new ArrayList<>();
        for (Map<PaneKey, Pane> panes : pending.values()) {
            for (Pane p : panes.values()) {
                open.add(p.toPartial());
            }
        }
        pendingState.update(open);
    }

    private Pane addPane(Monitor m, String groupKey, Map<String, String> group, long paneStart) {
        long closeAt = Windows.evaluationTime(paneStart + m.paneMs(), allowedLatenessMs);
        return pending.computeIfAbsent(closeAt, k -> new HashMap<>())
                .computeIfAbsent(
                        new PaneKey(m.id, groupKey, paneStart),
                        k -> new Pane(m, groupKey, group, paneStart));
    }

    /** Late events counted so far by this subtask (the lateEvents metric). */
    long lateEventCount() {
        return lateEvents.getCount();
    }

    private void rebuildIndex() throws Exception {
        Map<String, List<Entry>> index = new HashMap<>();
        Map<List<String>, Integer> groupSpecs = new HashMap<>();
        for (Map.Entry<String, Monitor> me : monitors.entries()) {
            Monitor m = me.getValue();
            int spec = groupSpecs.computeIfAbsent(m.groupBy, k -> groupSpecs.size());
            index.computeIfAbsent(m.source, k -> new ArrayList<>()).add(new Entry(m, spec));
        }
        Map<String, Entry[]> bySourceArrays = new HashMap<>();
        index.forEach((source, list) -> bySourceArrays.put(source, list.toArray(new Entry[0])));
        bySource = bySourceArrays;
        groupCache = new GroupResolver.GroupInfo[groupSpecs.size()];
        groupStamps = new long[groupSpecs.size()];
        java.util.Arrays.fill(groupStamps, -1);
    }

    /** A monitor prepared for the hot path. */
    static final class Entry {
        final Monitor monitor;
        final int groupSpec;
        final long paneMs;
        final boolean keepValues;
        long lastCloseAt = Long.MIN_VALUE;
        Map<PaneKey, Pane> lastPanes;

        Entry(Monitor monitor, int groupSpec) {
            this.monitor = monitor;
            this.groupSpec = groupSpec;
            this.paneMs = monitor.paneMs();
            this.keepValues = monitor.aggregation.needsValues();
        }
    }

    /** Identity of an open pane. */
    static final class PaneKey {
        final String monitorId;
        final String groupKey;
        final long paneStart;
        private final int hash;

        PaneKey(String monitorId, String groupKey, long paneStart) {
            this.monitorId = monitorId;
            this.groupKey = groupKey;
            this.paneStart = paneStart;
            this.hash = (monitorId.hashCode() * 31 + groupKey.hashCode()) * 31 + Long.hashCode(paneStart);
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof PaneKey)) {
                return false;
            }
            PaneKey k = (PaneKey) o;
            return paneStart == k.paneStart
                    && monitorId.equals(k.monitorId)
                    && groupKey.equals(k.groupKey);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    static final class Pane {
        Monitor monitor;
        final String groupKey;
        final Map<String, String> group;
        final long paneStart;
        final MutableAccumulator acc = new MutableAccumulator();

        Pane(Monitor monitor, String groupKey, Map<String, String> group, long paneStart) {
            this.monitor = monitor;
            this.groupKey = groupKey;
            this.group = group;
            this.paneStart = paneStart;
        }

        Partial toPartial() {
            return new Partial(monitor, groupKey, new TreeMap<>(group), paneStart, acc.toAccumulator(monitor.aggregation.needsValues()));
        }
    }

    /** Growable accumulator for the hot path; converted to {@link Accumulator} on emission. */
    static final class MutableAccumulator {
        long count;
        double sum;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double[] values;
        int size;

        void add(double v, boolean keepValue) {
            count++;
            sum += v;
            if (v < min) {
                min = v;
            }
            if (v > max) {
                max = v;
            }
            if (keepValue) {
                if (values == null) {
                    values = new double[8];
                } else if (size == values.length) {
                    values = Arrays.copyOf(values, size * 2);
                }
                values[size++] = v;
            }
        }

        void add(Accumulator a) {
            count += a.count;
            sum += a.sum;
            min = Math.min(min, a.min);
            max = Math.max(max, a.max);
            if (a.values != null) {
                for (double v : a.values) {
                    if (values == null) {
                        values = new double[Math.max(8, a.values.length)];
                    } else if (size == values.length) {
                        values = Arrays.copyOf(values, size * 2);
                    }
                    values[size++] = v;
                }
            }
        }

        Accumulator toAccumulator(boolean withValues) {
            Accumulator a = new Accumulator();
            a.count = count;
            a.sum = sum;
            a.min = min;
            a.max = max;
            a.values = withValues ? (values == null ? new double[0] : Arrays.copyOf(values, size)) : null;
            return a;
        }
    }
}
