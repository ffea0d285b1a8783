package alerting.job.operators;

import static alerting.TestData.S30;
import static alerting.TestData.T0;
import static alerting.TestData.latencyMonitor;
import static alerting.TestData.telemetry;
import static alerting.TestData.values;
import static org.assertj.core.api.Assertions.assertThat;

import alerting.contract.Aggregation;
import alerting.contract.LateEvent;
import alerting.contract.Monitor;
import alerting.contract.Telemetry;
import alerting.job.records.MonitorUpdate;
import alerting.job.Partial;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The broadcast-connected fan-out operator, driven through Flink's two-input operator harness
 * (input 1 telemetry, input 2 the broadcast monitor table).
 */
class PanePreAggregatorTest {

    private static TwoInputStreamOperatorTestHarness<Telemetry, MonitorUpdate, Partial> harness(long lateness)
            throws Exception {
        TwoInputStreamOperatorTestHarness<Telemetry, MonitorUpdate, Partial> h =
                new TwoInputStreamOperatorTestHarness<>(new PanePreAggregator(lateness, false));
        h.open();
        return h;
    }


    private static List<Partial> partials(TwoInputStreamOperatorTestHarness<Telemetry, MonitorUpdate, Partial> h) {
        List<Partial> out = values(h.getOutput());
        out.sort(Comparator.comparing(Partial::key).thenComparingLong(p -> p.paneStart));
        return out;
    }

    private static void event(TwoInputStreamOperatorTestHarness<Telemetry, MonitorUpdate, Partial> h, Telemetry t)
            throws Exception {
        h.processElement1(t, t.timestamp);
    }

    @Test
    void foldsEventsIntoPanesAndEmitsThemBeforeTheWatermark() throws Exception {
        var h = harness(0);
        Monitor m = latencyMonitor("lat", 300, 0);
        h.processElement2(MonitorUpdate.upsert(m), 0);
        h.processWatermarkStatus2(WatermarkStatus.IDLE); // configuration stream: idle
        event(h, telemetry(T0 + 1_000, "d1", "pool-a", 100));
        event(h, telemetry(T0 + 2_000, "d2", "pool-a", 200));
        event(h, telemetry(T0 + 3_000, "d3", "pool-a", 300));
        event(h, telemetry(T0 + 4_000, "d4", "pool-b", 50));
        event(h, telemetry(T0 + S30 + 1, "d1", "pool-a", 999)); // next pane
        h.processWatermark1(new Watermark(T0 + S30 - 2));
        assertThat(partials(h)).as("pane not closed yet").isEmpty();

        h.processWatermark1(new Watermark(T0 + S30 - 1));
        List<Object> out = new ArrayList<>(h.getOutput());
        assertThat(out).hasSize(4);
        assertThat(out.get(0)).isEqualTo(new Watermark(T0 + S30 - 2));
        assertThat(out.get(3)).as("partials precede the watermark that evaluates them").isEqualTo(new Watermark(T0 + S30 - 1));
        List<Partial> ps = partials(h);
        assertThat(ps).extracting(Partial::key)
                .containsExactly("lat|{\"desktopPool\":\"pool-a\"}", "lat|{\"desktopPool\":\"pool-b\"}");
        Partial a = ps.get(0);
        assertThat(a.paneStart).isEqualTo(T0);
        assertThat(a.paneEnd).isEqualTo(T0 + S30);
        assertThat(a.acc.count).isEqualTo(3);
        assertThat(a.acc.sum).isEqualTo(600);
        assertThat(a.acc.values).as("avg needs no values").isNull();
        assertThat(a.monitor).isEqualTo(m);
        assertThat(((StreamRecord<?>) out.get(1)).getTimestamp()).isEqualTo(T0 + S30 - 1);
    }

    @Test
    void slowMonitorStreamHoldsNothingOnceItIsIdle() throws Exception {
        var h = harness(0);
        Monitor m = latencyMonitor("lat", 300, 0);
        // Telemetry before the monitor is known is not in any monitor's scope.
        event(h, telemetry(T0 + 1_000, "d1", "pool-a", 1_000));
        h.processElement2(MonitorUpdate.upsert(m), 0);
        event(h, telemetry(T0 + 2_000, "d1", "pool-a", 100));
        // A monitor input without watermarks would hold the combined watermark at -infinity ...
        h.processWatermark1(new Watermark(T0 + 10 * S30));
        assertThat(h.getOutput()).as("nothing flushed, no watermark forwarded").isEmpty();
        // ... which is why the job marks the configuration stream idle.
        h.processWatermarkStatus2(WatermarkStatus.IDLE);
        List<Partial> ps = partials(h);
        assertThat(ps).hasSize(1);
        assertThat(ps.get(0).acc.count).isEqualTo(1);
        assertThat(ps.get(0).acc.sum).isEqualTo(100);
        assertThat(h.getOutput()).contains(new Watermark(T0 + 10 * S30));
    }

    @Test
    void quietTelemetryDoesNotPushTheWatermarkPastItsOwn() throws Exception {
        var h = harness(0);
        h.processElement2(MonitorUpdate.upsert(latencyMonitor("lat", 300, 0)), 0);
        h.processWatermarkStatus2(WatermarkStatus.IDLE);
        event(h, telemetry(T0 + 1_000, "d1", "pool-a", 100));
        h.processWatermark1(new Watermark(T0 + 5_000));
        // Telemetry goes quiet (idle) too: the watermark must stay where telemetry left it.
        h.processWatermarkStatus1(WatermarkStatus.IDLE);
        h.processWatermarkStatus1(WatermarkStatus.ACTIVE);
        event(h, telemetry(T0 + 6_000, "d1", "pool-a", 200));
        assertThat(h.getSideOutput(PanePreAggregator.LATE_EVENTS)).as("not late").isNullOrEmpty();
        assertThat(h.getOutput()).doesNotContain(Watermark.MAX_WATERMARK);
        h.processWatermark1(new Watermark(T0 + S30));
        assertThat(partials(h)).singleElement().satisfies(p -> assertThat(p.acc.count).isEqualTo(2));
    }

    @Test
    void lateEventsGoToTheSideOutputAndAreCounted() throws Exception {
        var h = harness(0);
        Monitor m = latencyMonitor("lat", 300, 0);
        h.processElement2(MonitorUpdate.upsert(m), 0);
        h.processWatermarkStatus2(WatermarkStatus.IDLE);
        event(h, telemetry(T0 + S30 + 5_000, "d1", "pool-a", 100));
        h.processWatermark1(new Watermark(T0 + 2 * S30));
        Telemetry late = telemetry(T0 + S30 + 6_000, "d2", "pool-a", 10_000);
        event(h, late);
        Telemetry onTime = telemetry(T0 + 2 * S30 + 1, "d2", "pool-a", 200);
        event(h, onTime);

        List<StreamRecord<LateEvent>> side = new ArrayList<>(h.getSideOutput(PanePreAggregator.LATE_EVENTS));
        assertThat(side).hasSize(1);
        assertThat(side.get(0).getValue().telemetry).isEqualTo(late);
        assertThat(side.get(0).getValue().watermark).isEqualTo(T0 + 2 * S30);
        assertThat(((PanePreAggregator) h.getOperator()).lateEventCount()).isEqualTo(1);

        h.processWatermark1(new Watermark(T0 + 3 * S30));
        assertThat(partials(h)).extracting(p -> p.acc.sum).containsExactly(100.0, 200.0);
    }

    @Test
    void allowedLatenessKeepsPanesOpenLonger() throws Exception {
        var h = harness(S30);
        h.processElement2(MonitorUpdate.upsert(latencyMonitor("lat", 300, 0)), 0);
        h.processWatermarkStatus2(WatermarkStatus.IDLE);
        event(h, telemetry(T0 + 1_000, "d1", "pool-a", 100));
        h.processWatermark1(new Watermark(T0 + S30 + 10_000));
        assertThat(partials(h)).as("pane [0,30s) stays open until 30s + lateness").isEmpty();
        event(h, telemetry(T0 + 20_000, "d2", "pool-a", 300)); // 20 s behind, within 30 s
        h.processWatermark1(new Watermark(T0 + 2 * S30 - 1));
        assertThat(partials(h)).singleElement().satisfies(p -> assertThat(p.acc.count).isEqualTo(2));
        assertThat(h.getSideOutput(PanePreAggregator.LATE_EVENTS)).isNullOrEmpty();
    }

    @Test
    void disablingOrDeletingAMonitorStopsItsAggregation() throws Exception {
        var h = harness(0);
        Monitor m = latencyMonitor("lat", 300, 0);
        Monitor other = latencyMonitor("other", 300, 0);
        h.processElement2(MonitorUpdate.upsert(m), 0);
        h.processElement2(MonitorUpdate.upsert(other), 0);
        h.processWatermarkStatus2(WatermarkStatus.IDLE);
        Monitor disabled = latencyMonitor("lat", 300, 0);
        disabled.enabled = false;
        h.processElement2(MonitorUpdate.upsert(disabled), 0);
        event(h, telemetry(T0 + 1_000, "d1", "pool-a", 100));
        h.processElement2(MonitorUpdate.delete("other"), 0);
        event(h, telemetry(T0 + 2_000, "d1", "pool-a", 100));
        h.processWatermark1(new Watermark(T0 + S30));
        assertThat(partials(h)).singleElement().satisfies(p -> {
            assertThat(p.monitorId).isEqualTo("other");
            assertThat(p.acc.count).isEqualTo(1);
        });
    }

    @Test
    void keepsValuesForP95AndSkipsEventsOutsideTheMonitorScope() throws Exception {
        var h = harness(0);
        Monitor p95 = latencyMonitor("p95", 300, 0);
        p95.aggregation = Aggregation.P95;
        h.processElement2(MonitorUpdate.upsert(p95), 0);
        h.processWatermarkStatus2(WatermarkStatus.IDLE);
        event(h, telemetry(T0 + 1_000, "d1", "pool-a", 5));
        event(h, telemetry(T0 + 2_000, "d2", "pool-a", 7));
        Telemetry otherSource = telemetry(T0 + 3_000, "d3", "pool-a", 9);
        otherSource.source = "laptop";
        event(h, otherSource);
        Telemetry noPool = telemetry(T0 + 4_000, "d4", "pool-a", 11);
        noPool.dimensions.clear();
        event(h, noPool);
        Telemetry noMetric = telemetry(T0 + 5_000, "d5", "pool-a", 13);
        noMetric.metrics.clear();
        event(h, noMetric);
        h.processWatermark1(new Watermark(T0 + S30));
        assertThat(partials(h)).singleElement().satisfies(p -> assertThat(p.acc.values).containsExactly(5, 7));
    }

    @Test
    void openPanesAndTheMonitorTableSurviveSnapshotAndRestore() throws Exception {
        Monitor m = latencyMonitor("lat", 300, 0);
        var h = harness(0);
        h.processElement2(MonitorUpdate.upsert(m), 0);
        h.processWatermarkStatus2(WatermarkStatus.IDLE);
        event(h, telemetry(T0 + 1_000, "d1", "pool-a", 100));
        event(h, telemetry(T0 + 2_000, "d2", "pool-a", 200));
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();

        var restored = new TwoInputStreamOperatorTestHarness<Telemetry, MonitorUpdate, Partial>(
                new PanePreAggregator(0, false));
        restored.initializeState(snapshot);
        restored.open();
        restored.processWatermarkStatus2(WatermarkStatus.IDLE);
        // No monitor update after the restore: the broadcast state came back with the snapshot.
        event(restored, telemetry(T0 + 3_000, "d3", "pool-a", 300));
        restored.processWatermark1(new Watermark(T0 + S30 - 1));
        List<Partial> ps = partials(restored);
        long count = ps.stream().mapToLong(p -> p.acc.count).sum();
        double sum = ps.stream().mapToDouble(p -> p.acc.sum).sum();
        assertThat(count).isEqualTo(3);
        assertThat(sum).isEqualTo(600);
        assertThat(ps).allSatisfy(p -> assertThat(p.paneStart).isEqualTo(T0));
    }
}
