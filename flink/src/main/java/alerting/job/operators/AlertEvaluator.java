package alerting.job.operators;

import alerting.job.EvalState;
import alerting.contract.Alert;
import alerting.contract.Baseline;
import alerting.contract.LateEvent;
import alerting.contract.Monitor;
import alerting.core.Accumulator;
import alerting.core.Evaluation;
import alerting.core.Windows;
import alerting.job.records.EvalInput;
import alerting.job.records.MonitorUpdate;
import alerting.job.Partial;
import alerting.job.records.RecordTypes;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Per (monitor, group): merges pane partials into sliding windows, evaluates the condition on
 * every window in order and emits only state changes.
 *
 * <p>Windows are driven by event-time timers, one per window end, rather than by Flink's window
 * operator: the alert needs every window evaluated in order, including windows with no data
 * (they break a {@code for} streak and let a silent group recover), and Flink's windows never
 * fire empty. Ticking stops, and keyed state is dropped, once nothing is pending, so idle groups
 * cost nothing. At the end of a bounded input (watermark = +inf) the empty windows after a
 * group's last pane are not evaluated: the end of a file is not silence.
 *
 * <p>The monitor table arrives as broadcast state (additions, changes, disabling take effect
 * without a redeploy); its stream is marked idle so it never holds windows back.
 */
public class AlertEvaluator extends KeyedBroadcastProcessFunction<String, EvalInput, MonitorUpdate, Alert> {
    private static final long serialVersionUID = 1L;

    private final long allowedLatenessMs;

    private transient ValueState<EvalState> state;
    private transient MapState<Long, Accumulator> panes;
    private transient MapState<Integer, Baseline> baselines;
    private transient Counter triggered;
    private transient Counter recovered;
    private transient Counter lateEvents;

    public AlertEvaluator(long allowedLatenessMs) {
        this.allowedLatenessMs = allowedLatenessMs;
    }

    @Override
    public void open(OpenContext openContext) {
        state =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("evaluation", Types.POJO(EvalState.class)));
        panes =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "panes", Types.LONG, Types.POJO(Accumulator.class)));
        baselines =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "baselines", Types.INT, RecordTypes.BASELINE));
        triggered = Metrics.group(getRuntimeContext().getMetricGroup()).counter(Metrics.ALERTS_TRIGGERED);
        recovered = Metrics.group(getRuntimeContext().getMetricGroup()).counter(Metrics.ALERTS_RECOVERED);
        lateEvents = Metrics.group(getRuntimeContext().getMetricGroup()).counter(Metrics.LATE_EVENTS);
    }

    @Override
    public void processElement(EvalInput in, ReadOnlyContext ctx, Collector<Alert> out)
            throws Exception {
        if (in.baseline != null) {
            baselines.put(in.baseline.hourOfWeek, in.baseline);
            return;
        }
        Partial p = in.partial;
        TimerService timers = ctx.timerService();
        long firstEnd = Windows.firstWindowEnd(p.paneEnd, p.monitor.windowSlideMs);
        EvalState s = state.value();
        if (Windows.evaluationTime(firstEnd, allowedLatenessMs) <= timers.currentWatermark()
                || (s != null && firstEnd <= s.lastEvaluatedEnd)) {
            // Its first window is already decided (an upstream input resumed after being idle, or
            // the watermark is not re-established yet after a restore). Like a late event, the
            // pane goes to the late output as a whole, not half-counted.
            lateEvents.inc(p.acc.count);
            ctx.output(
                    PanePreAggregator.LATE_EVENTS,
                    LateEvent.pane(p.monitorId, p.group, p.paneStart, p.paneEnd, p.acc.count, timers.currentWatermark(), allowedLatenessMs));
            return;
        }
        int layout = p.monitor.windowingHash();
        if (s != null && s.windowingHash != layout) {
            // The monitor was resized: panes of the old layout cannot be mixed with new ones.
            close(s, s.nextWindowEnd, out);
            timers.deleteEventTimeTimer(Windows.evaluationTime(s.nextWindowEnd, allowedLatenessMs));
            panes.clear();
            s = null;
        }
        if (s == null) {
            s = new EvalState();
            s.windowingHash = layout;
            s.group = p.group;
            s.nextWindowEnd = Long.MAX_VALUE;
        }
        s.spec = p.monitor;
        panes.put(p.paneStart, Accumulator.merge(panes.get(p.paneStart), p.acc));
        if (firstEnd < s.nextWindowEnd) {
            // Partials of one key come from several upstream subtasks in any order; an earlier
            // pane can still arrive because its window cannot have been evaluated yet.
            if (s.nextWindowEnd != Long.MAX_VALUE) {
                timers.deleteEventTimeTimer(Windows.evaluationTime(s.nextWindowEnd, allowedLatenessMs));
            }
            s.nextWindowEnd = firstEnd;
            timers.registerEventTimeTimer(Windows.evaluationTime(firstEnd, allowedLatenessMs));
        }
        state.update(s);
    }

    @Override
    public void processBroadcastElement(MonitorUpdate u, Context ctx, Collector<Alert> out)
            throws Exception {
        // Deleted monitors stay as disabled stand-ins so their open alerts can be closed.
        ctx.getBroadcastState(RecordTypes.monitorsDescriptor())
                .put(u.monitorId, u.monitor != null ? u.monitor : Monitor.deleted(u.monitorId));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        EvalState s = state.value();
        if (s == null || timestamp != Windows.evaluationTime(s.nextWindowEnd, allowedLatenessMs)) {
            return;
        }
        long end = s.nextWindowEnd;
        ReadOnlyBroadcastState<String, Monitor> table =
                ctx.getBroadcastState(RecordTypes.monitorsDescriptor());
        Monitor current = table.get(s.spec.id);
        if (current == null) {
            current = s.spec; // brand new monitor whose broadcast copy is still in flight
        } else if (!current.enabled || current.windowingHash() != s.windowingHash) {
            close(s, end, out); // disabled, deleted or resized: resolve and forget
            clear();
            return;
        }
        long size = current.windowSizeMs;
        long slide = current.windowSlideMs;
        Accumulator window = null;
        List<Long> expired = new ArrayList<>();
        boolean laterPanes = false;
        for (Map.Entry<Long, Accumulator> e : panes.entries()) {
            long paneStart = e.getKey();
            if (paneStart >= end - size && paneStart < end) {
                window = Accumulator.merge(window, e.getValue());
            }
            if (paneStart < end + slide - size) {
                expired.add(paneStart); // in no later window
            } else if (paneStart >= end) {
                laterPanes = true;
            }
        }
        if (window == null && !laterPanes && ctx.timerService().currentWatermark() == Long.MAX_VALUE) {
            // Past this group's last pane at the end of a bounded input. An empty window with
            // panes after it is a gap in the data, silence like any other, even when the whole
            // input arrived before the watermark jumped to +infinity.
            clear();
            return;
        }
        Double value = window == null ? null : window.result(current.aggregation);
        Baseline baseline =
                current.isBaseline() ? baselines.get(Windows.hourOfWeek(end - 1)) : null;
        Evaluation evaluation = Evaluation.of(current.condition, value, baseline);
        String status =
                s.alert.onWindow(
                        evaluation.breach, current.windowsToTrigger(), current.windowsToRecover());
        if (status != null) {
            emit(out, current, s, status, value, evaluation.threshold, end - size, end);
        }
        for (Long paneStart : expired) {
            panes.remove(paneStart);
        }
        if (s.alert.isQuiet() && panes.isEmpty()) {
            state.clear(); // idle group: nothing pending, no timer, no state
            return;
        }
        s.spec = current;
        s.lastEvaluatedEnd = end;
        s.nextWindowEnd = end + slide;
        state.update(s);
        ctx.timerService()
                .registerEventTimeTimer(Windows.evaluationTime(s.nextWindowEnd, allowedLatenessMs));
    }

    private void close(EvalState s, long end, Collector<Alert> out) {
        if (s.alert.triggered && end != Long.MAX_VALUE) {
            s.alert.triggered = false;
            emit(out, s.spec, s, Alert.RECOVERED, null, null, end - s.spec.windowSizeMs, end);
        }
    }

    private void emit(
            Collector<Alert> out,
            Monitor m,
            EvalState s,
            String status,
            Double value,
            Double threshold,
            long start,
            long end) {
        (Alert.TRIGGERED.equals(status) ? triggered : recovered).inc();
        out.collect(new Alert(m.id, s.group, status, value, threshold, start, end, m.severity));
    }

    private void clear() {
        state.clear();
        panes.clear();
    }
}
