package alerting.job.operators;

import static alerting.TestData.S30;
import static alerting.TestData.T0;
import static alerting.TestData.latencyMonitor;
import static alerting.TestData.partial;
import static alerting.TestData.pool;
import static alerting.TestData.values;
import static org.assertj.core.api.Assertions.assertThat;

import alerting.contract.Alert;
import alerting.contract.Baseline;
import alerting.contract.Condition;
import alerting.contract.LateEventCodec;
import alerting.contract.Monitor;
import alerting.contract.Operator;
import alerting.core.Windows;
import alerting.job.records.EvalInput;
import alerting.job.records.MonitorUpdate;
import alerting.job.Partial;
import alerting.job.records.RecordTypes;

import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The keyed broadcast evaluator through Flink's KeyedBroadcastOperatorTestHarness. */
class AlertEvaluatorTest {
    /** for = 90 s = 3 tumbling windows of 30 s. */
    private final Monitor m = latencyMonitor("lat", 300, 90_000);

    private static KeyedBroadcastOperatorTestHarness<String, EvalInput, MonitorUpdate, Alert> harness()
            throws Exception {
        return new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(new AlertEvaluator(0), List.of(RecordTypes.monitorsDescriptor())),
                EvalInput::key,
                Types.STRING,
                1,
                1,
                0);
    }

    private static KeyedBroadcastOperatorTestHarness<String, EvalInput, MonitorUpdate, Alert> opened(Monitor m)
            throws Exception {
        var h = harness();
        h.open();
        h.processBroadcastElement(MonitorUpdate.upsert(m), 0);
        idleMonitors(h);
        return h;
    }

    /** What the job does to the monitor stream: mark it idle, so it never holds windows back. */
    private static void idleMonitors(KeyedBroadcastOperatorTestHarness<String, EvalInput, MonitorUpdate, Alert> h)
            throws Exception {
        h.getTwoInputOperator().processWatermarkStatus2(WatermarkStatus.IDLE);
    }

    private static void pane(KeyedBroadcastOperatorTestHarness<String, EvalInput, MonitorUpdate, Alert> h, Monitor m, String pool, int window, double... values)
            throws Exception {
        Partial p = partial(m, pool, T0 + window * S30, values);
        h.processElement(EvalInput.of(p), p.paneEnd - 1);
    }

    /** Watermark that closes window k (tumbling 30 s windows from T0). */
    private static void closeWindow(KeyedBroadcastOperatorTestHarness<String, EvalInput, MonitorUpdate, Alert> h, int k)
            throws Exception {
        h.processWatermark(Windows.evaluationTime(T0 + (k + 1) * S30, 0));
    }

    private static List<Alert> alerts(KeyedBroadcastOperatorTestHarness<String, EvalInput, MonitorUpdate, Alert> h) {
        return values(h.getOutput());
    }

    private Alert expected(String status, Double value, Double threshold, int window, String pool) {
        return new Alert(m.id, pool(pool), status, value, threshold, T0 + window * S30, T0 + (window + 1) * S30, "critical");
    }

    @Test
    void triggersWhenEveryWindowOfTheForPeriodBreachesThenRecovers() throws Exception {
        var h = opened(m);
        double[] perWindow = {100, 400, 400, 400, 400, 100, 100};
        for (int k = 0; k < perWindow.length; k++) {
            pane(h, m, "pool-a", k, perWindow[k], perWindow[k]);
            h.processWatermark(Windows.evaluationTime(T0 + (k + 1) * S30, 0) - 1);
            int before = alerts(h).size();
            closeWindow(h, k);
            int emitted = alerts(h).size() - before;
            // Exactly at the watermark of window 3 (3rd breach) and window 5 (1st clear).
            assertThat(emitted).as("alerts at window " + k).isEqualTo(k == 3 || k == 5 ? 1 : 0);
        }
        assertThat(alerts(h))
                .containsExactly(
                        expected(Alert.TRIGGERED, 400.0, 300.0, 3, "pool-a"),
                        expected(Alert.RECOVERED, 100.0, 300.0, 5, "pool-a"));
        assertThat(alerts(h).get(0).alertId).isEqualTo(alerts(h).get(1).alertId);
    }

    @Test
    void recoverAfterAsksForMoreClearWindows() throws Exception {
        Monitor slow = latencyMonitor("lat", 300, 0);
        slow.recoverAfterMs = 2 * S30;
        var h = opened(slow);
        double[] perWindow = {400, 100, 400, 100, 100, 100};
        for (int k = 0; k < perWindow.length; k++) {
            pane(h, slow, "pool-a", k, perWindow[k]);
        }
        closeWindow(h, perWindow.length - 1);
        List<Alert> out = alerts(h);
        assertThat(out).extracting(a -> a.status).containsExactly(Alert.TRIGGERED, Alert.RECOVERED);
        assertThat(out.get(0).windowEnd).isEqualTo(T0 + S30);
        assertThat(out.get(1).windowEnd).as("window 1 alone is not enough").isEqualTo(T0 + 5 * S30);
    }

    @Test
    void slidingWindowsCombinePanes() throws Exception {
        Monitor sliding = latencyMonitor("lat", 300, 0);
        sliding.windowSizeMs = 2 * S30;
        sliding.windowSlideMs = S30;
        var h = opened(sliding);
        pane(h, sliding, "pool-a", 0, 200); // window [-30s,30s): 200, clear
        pane(h, sliding, "pool-a", 1, 500); // window [0,60s): 200 and 500, avg 350
        pane(h, sliding, "pool-a", 2, 50, 50); // window [30s,90s): 500, 50, 50, avg 200
        closeWindow(h, 3);
        List<Alert> out = alerts(h);
        assertThat(out).extracting(a -> a.status, a -> a.value, a -> a.windowStart - T0, a -> a.windowEnd - T0)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Alert.TRIGGERED, 350.0, 0L, 2 * S30),
                        org.assertj.core.groups.Tuple.tuple(Alert.RECOVERED, 200.0, S30, 3 * S30));
    }

    @Test
    void aSlowMonitorStreamWouldHoldWindowsBackUnlessItIsIdle() throws Exception {
        var h = harness();
        h.open();
        // Partials arrive before the monitor's broadcast copy: the spec they carry is used.
        for (int k = 0; k < 4; k++) {
            pane(h, m, "pool-a", k, 400);
        }
        closeWindow(h, 3);
        assertThat(alerts(h)).as("broadcast input still at -infinity").isEmpty();
        assertThat(h.numEventTimeTimers()).isEqualTo(1);
        idleMonitors(h);
        assertThat(alerts(h)).containsExactly(expected(Alert.TRIGGERED, 400.0, 300.0, 2, "pool-a"));

        // A monitor change arriving later applies from the next window on, without a redeploy.
        h.processBroadcastElement(MonitorUpdate.upsert(latencyMonitor("lat", 500, 90_000)), 0);
        pane(h, m, "pool-a", 4, 400);
        closeWindow(h, 4);
        assertThat(alerts(h)).last().isEqualTo(new Alert("lat", pool("pool-a"), Alert.RECOVERED, 400.0, 500.0, T0 + 4 * S30, T0 + 5 * S30, "critical"));
    }

    @Test
    void partialsOfOneKeyMayArriveOutOfPaneOrder() throws Exception {
        Monitor now = latencyMonitor("lat", 300, 60_000);
        var h = opened(now);
        pane(h, now, "pool-a", 2, 400);
        pane(h, now, "pool-a", 1, 400); // from another upstream subtask, earlier pane
        closeWindow(h, 2);
        assertThat(alerts(h)).singleElement().satisfies(a -> {
            assertThat(a.status).isEqualTo(Alert.TRIGGERED);
            assertThat(a.windowEnd).isEqualTo(T0 + 3 * S30);
        });
    }

    @Test
    void aPaneArrivingAfterItsWindowWasDecidedIsReportedLateNotHalfCounted() throws Exception {
        var h = opened(m);
        pane(h, m, "pool-a", 0, 100);
        pane(h, m, "pool-a", 1, 100);
        closeWindow(h, 2);
        // The subtask holding pool-a's pane 1 had been marked idle; its partial comes too late.
        Partial late = partial(m, "pool-a", T0 + S30, 900, 900, 900);
        h.processElement(EvalInput.of(late), late.paneEnd - 1);
        assertThat(alerts(h)).isEmpty();
        var side = new ArrayList<>(h.getSideOutput(PanePreAggregator.LATE_EVENTS));
        assertThat(side).singleElement().satisfies(r -> {
            assertThat(r.getValue().kind).isEqualTo("pane");
            assertThat(r.getValue().monitorId).isEqualTo("lat");
            assertThat(r.getValue().paneStart).isEqualTo(T0 + S30);
            assertThat(r.getValue().events).isEqualTo(3);
            assertThat(r.getValue().watermark).isEqualTo(T0 + 3 * S30 - 1);
        });
        assertThat(LateEventCodec.toJson(side.get(0).getValue()))
                .contains("\"kind\":\"pane\"", "\"events\":3", "\"paneStart\":\"2025-01-06T09:00:30Z\"");
    }

    @Test
    void afterARestoreDecidedWindowsStayDecidedBeforeTheWatermarkIsBack() throws Exception {
        var h = opened(m);
        pane(h, m, "pool-a", 0, 400);
        pane(h, m, "pool-a", 1, 400);
        pane(h, m, "pool-a", 2, 400);
        closeWindow(h, 1);
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        var restored = harness();
        restored.initializeState(snapshot);
        restored.open();
        idleMonitors(restored);
        // The restored operator's watermark is -infinity until the first one arrives.
        Partial replayed = partial(m, "pool-a", T0 + S30, 5);
        restored.processElement(EvalInput.of(replayed), replayed.paneEnd - 1);
        assertThat(restored.getSideOutput(PanePreAggregator.LATE_EVENTS)).hasSize(1);
        closeWindow(restored, 2);
        assertThat(alerts(restored)).containsExactly(expected(Alert.TRIGGERED, 400.0, 300.0, 2, "pool-a"));
    }

    @Test
    void anIdleGroupRecoversAtItsFirstEmptyWindowAndThenCostsNothing() throws Exception {
        var h = opened(m);
        for (int k = 0; k < 3; k++) {
            pane(h, m, "pool-a", k, 400);
            pane(h, m, "pool-b", k, 100);
        }
        pane(h, m, "pool-b", 3, 100);
        closeWindow(h, 2);
        assertThat(alerts(h)).containsExactly(expected(Alert.TRIGGERED, 400.0, 300.0, 2, "pool-a"));
        // pool-a sends nothing more; pool-b keeps reporting.
        for (int k = 4; k < 10; k++) {
            pane(h, m, "pool-b", k, 100);
        }
        closeWindow(h, 9);
        assertThat(alerts(h)).containsExactly(
                expected(Alert.TRIGGERED, 400.0, 300.0, 2, "pool-a"),
                expected(Alert.RECOVERED, null, 300.0, 3, "pool-a"));
        // Nothing is pending for either group: no timers, no ticking through empty windows.
        assertThat(h.numEventTimeTimers()).isZero();
        pane(h, m, "pool-b", 10, 100);
        assertThat(h.numEventTimeTimers()).as("only pool-b's window").isEqualTo(1);
    }

    @Test
    void endOfInputIsNotSilence() throws Exception {
        var h = opened(m);
        for (int k = 0; k < 3; k++) {
            pane(h, m, "pool-a", k, 400);
        }
        h.processWatermark(Long.MAX_VALUE);
        assertThat(alerts(h)).containsExactly(expected(Alert.TRIGGERED, 400.0, 300.0, 2, "pool-a"));
        assertThat(h.numEventTimeTimers()).isZero();
    }

    /**
     * A bounded run can deliver every pane before the watermark moves, then jump to +infinity at
     * the end of input: a gap in a group's data must still read as silence, as it does when the
     * watermark advances window by window; only the silence after the last pane is not evaluated.
     */
    @Test
    void aGapBeforeTheEndOfInputIsSilenceEvenWhenTheWatermarkJumpsToTheEnd() throws Exception {
        int week = 7 * 24 * 120; // 30 s windows
        int[] breaching = {0, 1, 2, week, week + 1, week + 2};

        var stepwise = opened(m);
        for (int k : breaching) {
            pane(stepwise, m, "pool-a", k, 400);
        }
        for (int k = 0; k <= week + 2; k++) {
            closeWindow(stepwise, k);
        }
        stepwise.processWatermark(Long.MAX_VALUE);

        var atOnce = opened(m);
        for (int k : breaching) {
            pane(atOnce, m, "pool-a", k, 400);
        }
        atOnce.processWatermark(Long.MAX_VALUE);

        List<Alert> expected =
                List.of(
                        expected(Alert.TRIGGERED, 400.0, 300.0, 2, "pool-a"),
                        expected(Alert.RECOVERED, null, 300.0, 3, "pool-a"),
                        expected(Alert.TRIGGERED, 400.0, 300.0, week + 2, "pool-a"));
        assertThat(alerts(stepwise)).containsExactlyElementsOf(expected);
        assertThat(alerts(atOnce)).containsExactlyElementsOf(expected);
        assertThat(atOnce.numEventTimeTimers()).isZero();
    }

    @Test
    void disablingAMonitorResolvesItsOpenAlerts() throws Exception {
        var h = opened(m);
        for (int k = 0; k < 4; k++) {
            pane(h, m, "pool-a", k, 400);
        }
        closeWindow(h, 3);
        Monitor off = latencyMonitor("lat", 300, 90_000);
        off.enabled = false;
        h.processBroadcastElement(MonitorUpdate.upsert(off), 0);
        closeWindow(h, 6);
        assertThat(alerts(h)).containsExactly(
                expected(Alert.TRIGGERED, 400.0, 300.0, 2, "pool-a"),
                expected(Alert.RECOVERED, null, null, 4, "pool-a"));
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void baselineConditionFallsBackUntilTheBucketHasMinSamples() throws Exception {
        Monitor b = latencyMonitor("seasonal", 0, 0);
        b.condition = Condition.baseline(Condition.Direction.ABOVE, 3, 5, Operator.GT, 300.0);
        var h = opened(b);
        int bucket = Windows.hourOfWeek(T0); // Monday 09:00 -> 9
        assertThat(bucket).isEqualTo(9);
        h.processElement(EvalInput.of(new Baseline("seasonal", pool("pool-a"), bucket, 100, 2, 4, T0)), T0);
        pane(h, b, "pool-a", 0, 250);
        closeWindow(h, 0);
        assertThat(alerts(h)).as("4 samples < 5: the fallback > 300 decides").isEmpty();

        h.processElement(EvalInput.of(new Baseline("seasonal", pool("pool-a"), bucket, 100, 2, 10, T0)), T0);
        pane(h, b, "pool-a", 1, 250);
        closeWindow(h, 1);
        assertThat(alerts(h)).singleElement().satisfies(a -> {
            assertThat(a.status).isEqualTo(Alert.TRIGGERED);
            assertThat(a.value).isEqualTo(250.0);
            assertThat(a.threshold).isCloseTo(108.8956, org.assertj.core.api.Assertions.within(1e-9));
        });
    }

    @Test
    void snapshotAndRestoreInTheMiddleOfAPendingPeriodGivesIdenticalOutput() throws Exception {
        Monitor five = latencyMonitor("lat", 300, 5 * S30); // 5 windows
        double[] perWindow = {100, 100, 400, 400, 400, 400, 400, 400, 400, 100, 100};
        int cut = 5; // after 3 of the 5 breaching windows: TRIGGERED is pending

        var straight = opened(five);
        for (int k = 0; k < perWindow.length; k++) {
            pane(straight, five, "pool-a", k, perWindow[k]);
            closeWindow(straight, k);
        }
        List<Alert> expected = alerts(straight);
        assertThat(expected).extracting(a -> a.status).containsExactly(Alert.TRIGGERED, Alert.RECOVERED);

        var first = opened(five);
        for (int k = 0; k < cut; k++) {
            pane(first, five, "pool-a", k, perWindow[k]);
            closeWindow(first, k);
        }
        pane(first, five, "pool-a", cut, perWindow[cut]); // a pane already received, window still open
        assertThat(alerts(first)).isEmpty();
        OperatorSubtaskState snapshot = first.snapshot(1, 1);
        first.close();

        var second = harness();
        second.initializeState(snapshot);
        second.open();
        idleMonitors(second);
        closeWindow(second, cut);
        for (int k = cut + 1; k < perWindow.length; k++) {
            pane(second, five, "pool-a", k, perWindow[k]);
            closeWindow(second, k);
        }
        List<Alert> resumed = new ArrayList<>(alerts(first));
        resumed.addAll(alerts(second));
        assertThat(resumed).isEqualTo(expected);
    }
}
