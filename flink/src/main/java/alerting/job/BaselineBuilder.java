package alerting.job;

import alerting.job.operators.Metrics;
import alerting.contract.Baseline;
import alerting.contract.Monitor;
import alerting.core.Accumulator;
import alerting.core.RobustStats;
import alerting.core.Windows;
import alerting.job.Partial;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Per (monitor, group): computes each window's value exactly as the alert job does and adds it
 * as a sample to its hour-of-week bucket; after each sample the bucket's median and MAD over the
 * configured history are published. Empty windows add no sample.
 */
public class BaselineBuilder extends KeyedProcessFunction<String, Partial, Baseline> {
    private static final long serialVersionUID = 1L;

    private final long historyMs;
    private final int maxSamplesPerBucket;
    private final long allowedLatenessMs;

    private transient ValueState<Ticker> ticker;
    private transient MapState<Long, Accumulator> panes;
    private transient MapState<Integer, SampleHistory> buckets;
    private transient Counter published;
    private transient Counter lateEvents;

    /** Keyed state driving the window timers of one (monitor, group). */
    public static class Ticker {
        public Monitor spec;
        public Map<String, String> group;
        public int windowingHash;
        /** Next window end to evaluate, or Long.MAX_VALUE when idle. */
        public long nextWindowEnd = Long.MAX_VALUE;

        public Ticker() {}
    }

    /** Samples of one bucket in time order (parallel arrays keep state compact). */
    public static class SampleHistory {
        public long[] times = new long[0];
        public double[] values = new double[0];

        public SampleHistory() {}
    }

    public BaselineBuilder(long historyMs, int maxSamplesPerBucket, long allowedLatenessMs) {
        this.historyMs = historyMs;
        this.maxSamplesPerBucket = maxSamplesPerBucket;
        this.allowedLatenessMs = allowedLatenessMs;
    }

    @Override
    public void open(OpenContext openContext) {
        ticker = getRuntimeContext().getState(new ValueStateDescriptor<>("ticker", Types.POJO(Ticker.class)));
        panes =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "panes", Types.LONG, Types.POJO(Accumulator.class)));
        buckets =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "buckets", Types.INT, Types.POJO(SampleHistory.class)));
        published =
                Metrics.group(getRuntimeContext().getMetricGroup())
                        .counter(Metrics.BASELINES_PUBLISHED);
        lateEvents = Metrics.group(getRuntimeContext().getMetricGroup()).counter(Metrics.LATE_EVENTS);
    }

    @Override
    public void processElement(Partial p, Context ctx, Collector<Baseline> out) throws Exception {
        long firstEnd = Windows.firstWindowEnd(p.paneEnd, p.monitor.windowSlideMs);
        if (Windows.evaluationTime(firstEnd, allowedLatenessMs) <= ctx.timerService().currentWatermark()) {
            // Window already sampled (an input resumed after idleness): counted, published by the alert job.
            lateEvents.inc(p.acc.count);
            return;
        }
        Ticker t = ticker.value();
        int layout = p.monitor.windowingHash();
        if (t != null && t.windowingHash != layout) {
            // A different window or aggregation measures a different quantity: start over.
            if (t.nextWindowEnd != Long.MAX_VALUE) {
                ctx.timerService().deleteEventTimeTimer(Windows.evaluationTime(t.nextWindowEnd, allowedLatenessMs));
            }
            panes.clear();
            buckets.clear();
            t = null;
        }
        if (t == null) {
            t = new Ticker();
            t.windowingHash = layout;
            t.group = p.group;
        }
        t.spec = p.monitor;
        panes.put(p.paneStart, Accumulator.merge(panes.get(p.paneStart), p.acc));
        if (firstEnd < t.nextWindowEnd) {
            if (t.nextWindowEnd != Long.MAX_VALUE) {
                ctx.timerService().deleteEventTimeTimer(Windows.evaluationTime(t.nextWindowEnd, allowedLatenessMs));
            }
            t.nextWindowEnd = firstEnd;
            ctx.timerService().registerEventTimeTimer(Windows.evaluationTime(firstEnd, allowedLatenessMs));
        }
        ticker.update(t);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Baseline> out) throws Exception {
        Ticker t = ticker.value();
        if (t == null || timestamp != Windows.evaluationTime(t.nextWindowEnd, allowedLatenessMs)) {
            return;
        }
        long end = t.nextWindowEnd;
        Monitor m = t.spec;
        Accumulator window = null;
        List<Long> expired = new ArrayList<>();
        for (Map.Entry<Long, Accumulator> e : panes.entries()) {
            long paneStart = e.getKey();
            if (paneStart >= end - m.windowSizeMs && paneStart < end) {
                window = Accumulator.merge(window, e.getValue());
            }
            if (paneStart < end + m.windowSlideMs - m.windowSizeMs) {
                expired.add(paneStart);
            }
        }
        Double value = window == null ? null : window.result(m.aggregation);
        if (value != null) {
            int bucket = Windows.hourOfWeek(end - 1);
            SampleHistory h = buckets.get(bucket);
            h = append(h == null ? new SampleHistory() : h, end, value);
            buckets.put(bucket, h);
            double median = RobustStats.median(h.values);
            double mad = RobustStats.mad(h.values, median);
            published.inc();
            out.collect(new Baseline(m.id, t.group, bucket, median, mad, h.values.length, end));
        }
        for (Long paneStart : expired) {
            panes.remove(paneStart);
        }
        if (panes.isEmpty()) {
            t.nextWindowEnd = Long.MAX_VALUE; // idle until the next partial
        } else {
            t.nextWindowEnd = end + m.windowSlideMs;
            ctx.timerService().registerEventTimeTimer(Windows.evaluationTime(t.nextWindowEnd, allowedLatenessMs));
        }
        ticker.update(t);
    }

    /** Appends a sample, drops samples older than the history and keeps the newest max. */
    SampleHistory append(SampleHistory h, long time, double value) {
        int n = h.times.length;
        long[] times = Arrays.copyOf(h.times, n + 1);
        double[] values = Arrays.copyOf(h.values, n + 1);
        times[n] = time;
        values[n] = value;
        int from = 0;
        while (from < times.length && times[from] <= time - historyMs) {
            from++;
        }
        from = Math.max(from, times.length - maxSamplesPerBucket);
        SampleHistory out = new SampleHistory();
        out.times = Arrays.copyOfRange(times, from, times.length);
        out.values = Arrays.copyOfRange(values, from, values.length);
        return out;
    }
}
